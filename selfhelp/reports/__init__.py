"""Service reports: read-only aggregates computed in the database, the <5 rule, CSV export."""
