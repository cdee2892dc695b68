"""The tasks service's Django apps: emails, reports, analytics and scheduling."""
