"""One module per row of the table (docs/benchmarks.md); importing registers them."""

from bench.rows import (  # noqa: F401
    book,
    check,
    claim,
    floor,
    pages,
    race,
    raw_claim,
    raw_relay,
    raw_sockets,
    servers,
    signal,
    slots,
    sockets,
    submit,
)
