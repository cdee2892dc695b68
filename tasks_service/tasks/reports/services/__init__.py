"""Writes of the reports app: the read models (``read_models``) and report production (``production``)."""
