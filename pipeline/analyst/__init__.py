"""What analysts use: read-only queries on the analyst copy, exports, search and the report."""
