"""Logging, request and correlation ids, and metrics helpers shared by every service."""
