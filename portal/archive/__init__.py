"""One tenant's data as a portable archive, and its restoration into an empty database.

``flask portal export --tenant SLUG`` writes a zip: ``manifest.json`` and one NDJSON
file per table holding every row of the tenant (its tickets, events, milestones,
customers, policy versions, departments, users, API keys, reports, audit log, ...).
Secrets stay behind: password hashes and API key hashes are not written, so restored
users must set a new password and restored API keys open nothing. References to rows
outside the archive (a platform admin named as an author, a parent tenant) are
cleared, because the target database does not hold them.

``flask portal import-archive FILE`` restores it into a database migrated to the same
schema revision that holds no rows of the tenant; primary keys are kept, so every
reference inside the archive stays valid.
"""

from portal.archive.dump import export_tenant
from portal.archive.restore import import_archive

__all__ = ["export_tenant", "import_archive"]
