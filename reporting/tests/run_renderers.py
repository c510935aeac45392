"""Renderers for the report-run tests: real plug-ins of ``reporting.runs``' registry (what a kind of report
does), not stand-ins for our code. ``flaky`` writes half a document, reports 50 %, and then fails on a run
asked for the first time; its retry writes the whole document. ``worker_renderers`` installs it in a test
worker process."""

from reporting.runs import RunFailed

HALF = b"%PDF-1.7\n% half a document\n"


def flaky(run, progress):
    pdf = progress.workdir / "report.pdf"
    pdf.write_bytes(HALF)
    progress(50, "half written")
    if run.retry_of_id is None:
        raise RunFailed("the test printer jammed halfway")
    with pdf.open("ab") as fh:
        fh.write(b"% and the rest\n%%EOF\n")
    xlsx = progress.workdir / "report.xlsx"
    xlsx.write_bytes(b"PK test workbook")
    progress(90, "written")
    return [pdf, xlsx]

