"""One of each supervision record at a center, for the isolation walker and the supervision tests."""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scopes_disabled

from centers.models import (
    ArchivedDocument,
    Complaint,
    ComplaintEvent,
    Decision,
    DocumentDestructionRequest,
    FollowUpAction,
    Inspection,
    Meeting,
    MeetingAttachment,
)

PDF = b"%PDF-1.4\n% test document\n"


@dataclass
class SupervisionObjects:
    meeting: Meeting
    attachment: MeetingAttachment
    document: ArchivedDocument
    destruction_request: DocumentDestructionRequest
    inspection: Inspection
    follow_up: FollowUpAction
    complaint: Complaint
    decision_pk: int = 0
    secrets: list = field(default_factory=list)

    @property
    def url_kwargs(self) -> dict:
        return {"meeting_pk": self.meeting.pk, "attachment_pk": self.attachment.pk, "document_pk": self.document.pk,
                "inspection_pk": self.inspection.pk, "follow_up_pk": self.follow_up.pk}

    @property
    def api_objects(self) -> dict:
        return {"meeting": self.meeting.pk, "decision": self.decision_pk,
                "document": self.document.pk, "destruction-request": self.destruction_request.pk,
                "inspection": self.inspection.pk, "follow-up": self.follow_up.pk, "complaint": self.complaint.pk}


def supervision_objects(center, user, inspector=None) -> SupervisionObjects:
    tag = center.slug
    today = timezone.localdate()
    with scopes_disabled():
        meeting = Meeting.objects.create(center=center, jalali_year=1404, number=1, held_on=today, place="مسجد",
                                         minutes=f"صورت‌جلسه محرمانه {tag}", recorded_by=user)
        decision = Decision.objects.create(center=center, meeting=meeting, number=1, text=f"مصوبه {tag}", amount=1000)
        attachment = MeetingAttachment.objects.create(center=center, meeting=meeting, title=f"پیوست {tag}",
                                                      file=ContentFile(PDF, name="minutes.pdf"))
        document = ArchivedDocument.objects.create(
            center=center, kind=ArchivedDocument.Kind.FINANCIAL, title=f"سند مالی {tag}", document_date=today,
            file=ContentFile(PDF, name="ledger.pdf"), uploaded_by=user)
        destruction = DocumentDestructionRequest.objects.create(center=center, document=document,
                                                                requested_by=user, reason="قدیمی")
        inspection = Inspection.objects.create(center=center, inspector=inspector or user, inspected_on=today,
                                               answers={}, findings=f"یافته {tag}")
        follow_up = FollowUpAction.objects.create(center=center, inspection=inspection, text=f"اقدام {tag}",
                                                  due_on=today + datetime.timedelta(days=10))
        complaint = Complaint.objects.create(
            center=center, tracking_code=f"T{center.pk:09d}"[:10], complainant_kind="public",
            complainant_name=f"شاکی {tag}", complainant_mobile="09120000000", text=f"شکایت {tag}",
            deadline=timezone.now() + datetime.timedelta(days=10))
        ComplaintEvent.objects.create(center=center, complaint=complaint, kind="filed", level=1, at=timezone.now())
    return SupervisionObjects(meeting, attachment, document, destruction, inspection, follow_up, complaint,
                              decision_pk=decision.pk,
                              secrets=[f"صورت‌جلسه محرمانه {tag}", f"سند مالی {tag}", f"شکایت {tag}", f"شاکی {tag}"])
