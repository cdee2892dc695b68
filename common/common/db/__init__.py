"""Django database backends of the suite (``ENGINE = "common.db.postgresql"``)."""
