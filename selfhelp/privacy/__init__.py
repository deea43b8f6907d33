"""A resident's rights: download all their data, close their account; and the retention job."""
