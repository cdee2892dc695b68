"""Default Beat schedules (editable in the admin), housekeeping, and the Merchandiser group's rights."""
