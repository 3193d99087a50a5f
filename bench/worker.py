"""`python -m bench.worker`: the product's worker, with a directory that also knows synthetic States."""

from __future__ import annotations

import asyncio

from bench.participants import SyntheticDirectory
from deploy.worker import serve
from usecases.settings import load_settings


def main() -> None:
    asyncio.run(serve(load_settings(), SyntheticDirectory()))


if __name__ == "__main__":
    main()
