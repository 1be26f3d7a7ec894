"""One module per group of layer classes; each defines cases() yielding spec.case(...) dicts."""
