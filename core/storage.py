from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's hashed, compressed static files, tolerant of third-party stylesheets that name images
    they do not ship (django-jalali's datepicker theme): such a reference is left as written instead of
    failing the whole collectstatic."""

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is None and not self.exists(self.clean_name(name)):
                return name
            raise
