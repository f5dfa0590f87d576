"""Backups of the database: one data file plus a JSON manifest, to a folder or to S3.

``service`` composes the pieces: ``sqlite``/``postgres`` take a consistent snapshot and restore it
all-or-nothing, ``digest`` counts and checksums every table, ``manifest`` describes a backup,
``storage`` moves the files, ``retention`` decides which backups ``prune`` keeps.
"""
