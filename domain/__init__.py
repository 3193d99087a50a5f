"""The pre-ratification engagement: values, rules, commands, events and the aggregate. Pure: no I/O, no clock."""
