"""kabu-trade: policy-driven, explainable research on Japanese equities."""

__version__ = "0.1.0"
