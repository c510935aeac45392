# Models of this app arrive with their issue; every tenant-owned one gets a `center` foreign key and
# `objects = ScopedManager(center="center")` (see docs/architecture.md, "Tenancy").
