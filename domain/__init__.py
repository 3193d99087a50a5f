"""The pre-ratification engagement: values, rules, commands, events, the aggregate. No I/O, no clock."""
