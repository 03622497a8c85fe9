"""The citizen's side of the application API (``/api/v1/applications/...``).

Every view finds the application through ``application_get_for_owner`` (404
for anyone but the applicant), parses input, calls one service and renders.
Section PATCHes save the valid fields and answer 200 with ``rejected``
naming each field that was not saved.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import files
from applications.api import output
from applications.api.serializers import (
    AssetEntryIn,
    AssetsFlagIn,
    BankAccountIn,
    CreateIn,
    DocumentIn,
    HealthInsuranceIn,
    HousingIn,
    IncomeEntryIn,
    IncomeFlagIn,
    MemberIn,
    MessageIn,
    PersonalIn,
    WithdrawIn,
    split_valid,
)
from applications.checklist import checklist_for
from applications.conf import app_settings
from applications.models import Application, AssetEntry, IncomeEntry
from applications.pdf import receipt_pdf
from applications.selectors import (
    application_detail_queryset,
    application_get_for_owner,
    applications_for_owner,
    child_get,
    document_requests_for,
    documents_for,
    member_get,
    messages_for,
    timeline_for,
    unread_for_citizen,
)
from applications.services import (
    application_create,
    application_delete_draft,
    application_lodge,
    application_submit,
    application_withdraw,
    document_delete,
    document_upload,
    entry_add,
    entry_delete,
    member_add,
    member_delete,
    message_post,
    messages_mark_read,
    personal_update,
    section_update,
)
from applications.snapshot import ADDRESS_FIELDS
from portal.api.conditional import check_if_match, with_etag
from portal.api.idempotency import idempotent
from portal.api.pagination import PagePagination
from portal.api.permissions import IsCitizen
from portal.api.problems import Problem

ANY = OpenApiTypes.OBJECT


class CitizenView(APIView):
    permission_classes = [IsCitizen]

    def application(self, application_id, *, detail: bool = False) -> Application:
        return application_get_for_owner(user=self.request.user, public_id=application_id, detail=detail)

    def respond(self, data, application: Application, *, status_code: int = 200) -> Response:
        """A response with the application's current ETag."""
        application.refresh_from_db(fields=["version"])
        return with_etag(Response(data, status=status_code), application)

    def saved(self, data: dict, rejected: dict, application: Application, status_code: int = 200) -> Response:
        return self.respond({**data, "rejected": rejected}, application, status_code=status_code)


# --- the application --------------------------------------------------------------------------
class ApplicationList(CitizenView):
    @extend_schema(responses=ANY)
    def get(self, request):
        paginator = PagePagination()
        page = paginator.paginate_queryset(applications_for_owner(user=request.user), request, view=self)
        return paginator.get_paginated_response([output.application_summary(a) for a in page])

    @extend_schema(request=CreateIn, responses=ANY)
    @idempotent
    def post(self, request):
        """Start a first application; ``{"lodge": true}`` also secures the date at once."""
        data = CreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        application = application_create(
            applicant=request.user,
            jobcenter_id=data.validated_data.get("jobcenter"),
            lodge=data.validated_data["lodge"],
        )
        application = application_detail_queryset().get(pk=application.pk)
        response = self.respond(output.application_out(application), application, status_code=201)
        response["Location"] = output.url("application-detail", application)
        return response


class ApplicationDetail(CitizenView):
    @extend_schema(responses=ANY, operation_id="applications_detail")
    def get(self, request, application_id):
        """Everything, plus ``missing``: what still blocks submission (field path and reason)."""
        application = self.application(application_id, detail=True)
        data = output.application_out(application)
        data["unread_messages"] = unread_for_citizen(application=application)
        return with_etag(Response(data), application)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, application_id):
        """Delete a draft that was never lodged (409 otherwise)."""
        application = self.application(application_id)
        check_if_match(request, application)
        application_delete_draft(application=application, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LodgeView(CitizenView):
    @extend_schema(request=None, responses=ANY)
    @idempotent
    def post(self, request, application_id):
        """Secure the application date now (§37 SGB II); repeating it changes nothing."""
        application = application_lodge(application=self.application(application_id), actor=request.user)
        application = application_detail_queryset().get(pk=application.pk)
        return self.respond(output.application_out(application), application)


class SubmitView(CitizenView):
    @extend_schema(request=None, responses=ANY)
    @idempotent
    def post(self, request, application_id):
        """Submit (send an ``Idempotency-Key``): 422 with ``missing``, else frozen and receipted."""
        application = self.application(application_id)
        check_if_match(request, application)
        application = application_submit(application=application, actor=request.user)
        application = application_detail_queryset().get(pk=application.pk)
        return self.respond(output.application_out(application), application)


class WithdrawView(CitizenView):
    @extend_schema(request=WithdrawIn, responses=ANY)
    def post(self, request, application_id):
        application = self.application(application_id)
        data = WithdrawIn(data=request.data)
        data.is_valid(raise_exception=True)
        application = application_withdraw(
            application=application, actor=request.user, reason=data.validated_data["reason"]
        )
        application = application_detail_queryset().get(pk=application.pk)
        return self.respond(output.application_out(application), application)


class ReceiptView(CitizenView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, application_id):
        application = self.application(application_id)
        if application.submitted_at is None or not application.snapshot:
            raise Problem(
                status=404, code="no_receipt", detail=_("There is a receipt once the application is submitted.")
            )
        response = HttpResponse(receipt_pdf(application), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="receipt-{application.reference}.pdf"'
        return response


class TimelineView(CitizenView):
    @extend_schema(responses=ANY)
    def get(self, request, application_id):
        application = self.application(application_id)
        events = [output.timeline_out(e) for e in timeline_for(application=application)]
        return Response({"status": application.status, "events": events})


# --- form sections ----------------------------------------------------------------------------
class PersonalView(CitizenView):
    def _out(self, application: Application) -> dict:
        application = application_detail_queryset().get(pk=application.pk)
        return output.application_data(application)["personal"]

    @extend_schema(responses=ANY)
    def get(self, request, application_id):
        application = self.application(application_id)
        return self.respond(self._out(application), application)

    @extend_schema(request=PersonalIn, responses=ANY)
    def patch(self, request, application_id):
        application = self.application(application_id)
        check_if_match(request, application)
        values, rejected = split_valid(PersonalIn, request.data)
        address = {k: v for k, v in values.items() if k in ADDRESS_FIELDS}
        person = {k: v for k, v in values.items() if k not in ADDRESS_FIELDS}
        personal_update(application=application, actor=request.user, person=person, address=address)
        return self.saved(self._out(application), rejected, application)


class HouseholdList(CitizenView):
    @extend_schema(responses=ANY)
    def get(self, request, application_id):
        application = self.application(application_id)
        members = [output.member_out(m, application) for m in application.members.all()]
        return self.respond({"members": members}, application)

    @extend_schema(request=MemberIn, responses=ANY)
    def post(self, request, application_id):
        """Add a person (``relationship`` is required; other fields may follow later)."""
        application = self.application(application_id)
        check_if_match(request, application)
        values, rejected = split_valid(MemberIn, request.data, required=("relationship",))
        member = member_add(application=application, actor=request.user, values=values)
        return self.saved(output.member_out(member, application), rejected, application, status_code=201)


class MemberDetail(CitizenView):
    @extend_schema(responses=ANY, operation_id="applications_household_member")
    def get(self, request, application_id, member_id):
        application = self.application(application_id)
        member = member_get(application=application, public_id=member_id)
        return self.respond(output.member_out(member, application), application)

    @extend_schema(request=MemberIn, responses=ANY)
    def patch(self, request, application_id, member_id):
        application = self.application(application_id)
        member = member_get(application=application, public_id=member_id)
        check_if_match(request, application)
        serializer = PersonalIn if member.relationship == "applicant" else MemberIn
        values, rejected = split_valid(serializer, request.data)
        if member.relationship == "applicant":
            values = {k: v for k, v in values.items() if k not in ADDRESS_FIELDS}
        section_update(application=application, actor=request.user, section="household", instance=member, values=values)
        return self.saved(output.member_out(member, application), rejected, application)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, application_id, member_id):
        application = self.application(application_id)
        member = member_get(application=application, public_id=member_id)
        check_if_match(request, application)
        member_delete(application=application, actor=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HousingView(CitizenView):
    @extend_schema(responses=ANY)
    def get(self, request, application_id):
        application = self.application(application_id)
        return self.respond(output.housing_out(application), application)

    @extend_schema(request=HousingIn, responses=ANY)
    def patch(self, request, application_id):
        application = self.application(application_id)
        check_if_match(request, application)
        values, rejected = split_valid(HousingIn, request.data)
        section_update(
            application=application, actor=request.user, section="housing", instance=application.housing, values=values
        )
        return self.saved(output.housing_out(application), rejected, application)


class BankAccountView(CitizenView):
    @extend_schema(responses=ANY)
    def get(self, request, application_id):
        application = self.application(application_id)
        return self.respond(output.bank_account_out(application), application)

    @extend_schema(request=BankAccountIn, responses=ANY)
    def patch(self, request, application_id):
        application = self.application(application_id)
        check_if_match(request, application)
        values, rejected = split_valid(BankAccountIn, request.data)
        section_update(
            application=application,
            actor=request.user,
            section="bank_account",
            instance=application.bank_account,
            values=values,
        )
        return self.saved(output.bank_account_out(application), rejected, application)


class HealthInsuranceList(CitizenView):
    @extend_schema(responses=ANY)
    def get(self, request, application_id):
        application = self.application(application_id)
        return self.respond({"members": [output.health_out(m) for m in application.members.all()]}, application)


class HealthInsuranceDetail(CitizenView):
    @extend_schema(request=HealthInsuranceIn, responses=ANY)
    def patch(self, request, application_id, member_id):
        application = self.application(application_id)
        member = member_get(application=application, public_id=member_id)
        check_if_match(request, application)
        values, rejected = split_valid(HealthInsuranceIn, request.data)
        section_update(
            application=application, actor=request.user, section="health_insurance", instance=member, values=values
        )
        return self.saved(output.health_out(member), rejected, application)


class _EntriesMixin:
    """Income (Anlage EK) and assets (Anlage VM) work alike: a yes/no question and entries."""

    section: str = ""
    model: type[IncomeEntry | AssetEntry] = IncomeEntry
    entry_in: type = IncomeEntryIn
    flag_in: type = IncomeFlagIn

    @property
    def flag(self) -> str:
        return f"has_{self.section}"

    def entries(self, application: Application):
        return self.model.objects.filter(application=application).select_related("member").order_by("created_at", "id")

    def section_out(self, application: Application) -> dict:
        application.refresh_from_db(fields=[self.flag])
        return {
            self.flag: getattr(application, self.flag),
            "entries": [output.entry_out(e) for e in self.entries(application)],
        }


class EntriesSection(_EntriesMixin, CitizenView):
    @extend_schema(responses=ANY)
    def get(self, request, application_id):
        application = self.application(application_id)
        return self.respond(self.section_out(application), application)

    @extend_schema(request=ANY, responses=ANY)
    def patch(self, request, application_id):
        """Answer the question ``has_income`` / ``has_assets`` (true, false or null)."""
        application = self.application(application_id)
        check_if_match(request, application)
        values, rejected = split_valid(self.flag_in, request.data)
        section_update(
            application=application, actor=request.user, section=self.section, instance=application, values=values
        )
        return self.saved(self.section_out(application), rejected, application)


class EntryList(_EntriesMixin, CitizenView):
    @extend_schema(request=ANY, responses=ANY)
    def post(self, request, application_id):
        """Add an entry (``member`` and ``kind`` are required; amounts may follow later)."""
        application = self.application(application_id)
        check_if_match(request, application)
        values, rejected = split_valid(
            self.entry_in, request.data, context={"application": application}, required=("member", "kind")
        )
        entry = entry_add(application=application, actor=request.user, model=self.model, values=values)
        return self.saved(output.entry_out(entry), rejected, application, status_code=201)


class EntryDetail(_EntriesMixin, CitizenView):
    def entry(self, application, entry_id):
        return child_get(queryset=self.entries(application), public_id=entry_id)

    @extend_schema(responses=ANY)
    def get(self, request, application_id, entry_id):
        application = self.application(application_id)
        return self.respond(output.entry_out(self.entry(application, entry_id)), application)

    @extend_schema(request=ANY, responses=ANY)
    def patch(self, request, application_id, entry_id):
        application = self.application(application_id)
        entry = self.entry(application, entry_id)
        check_if_match(request, application)
        values, rejected = split_valid(self.entry_in, request.data, context={"application": application})
        section_update(application=application, actor=request.user, section=self.section, instance=entry, values=values)
        return self.saved(output.entry_out(entry), rejected, application)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, application_id, entry_id):
        application = self.application(application_id)
        entry = self.entry(application, entry_id)
        check_if_match(request, application)
        entry_delete(application=application, actor=request.user, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)


INCOME = {"section": "income", "model": IncomeEntry, "entry_in": IncomeEntryIn, "flag_in": IncomeFlagIn}
ASSETS = {"section": "assets", "model": AssetEntry, "entry_in": AssetEntryIn, "flag_in": AssetsFlagIn}


# --- evidence ---------------------------------------------------------------------------------
class ChecklistView(CitizenView):
    @extend_schema(responses=ANY)
    def get(self, request, application_id):
        """The documents needed, derived from the data, each with its uploads."""
        application = self.application(application_id, detail=True)
        items = [output.checklist_item_out(item, application) for item in checklist_for(application)]
        return Response({"items": items, "open": sum(1 for i in items if not i["done"])})


class DocumentList(CitizenView):
    parser_classes = [MultiPartParser]

    @extend_schema(responses=ANY)
    def get(self, request, application_id):
        application = self.application(application_id)
        return Response(
            {"documents": [output.document_out(d, application) for d in documents_for(application=application)]}
        )

    @extend_schema(request={"multipart/form-data": DocumentIn}, responses=ANY)
    def post(self, request, application_id):
        """Upload a PDF, JPEG or PNG (``file``) for a checklist item (``checklist_key``,
        default "other") or in answer to a document request (``document_request``)."""
        application = self.application(application_id)
        # Refuse an oversized body before reading it (1 MiB allowance for the form around the file).
        if int(request.META.get("CONTENT_LENGTH") or 0) > app_settings.UPLOAD_MAX_BYTES + 1024 * 1024:
            raise files.too_large(int(request.META["CONTENT_LENGTH"]))
        files.check_file_count(request)
        data = DocumentIn(data=request.data)
        data.is_valid(raise_exception=True)
        document_request = None
        if data.validated_data.get("document_request"):
            document_request = child_get(
                queryset=application.document_requests.all(), public_id=data.validated_data["document_request"]
            )
        document = document_upload(
            application=application,
            actor=request.user,
            upload=data.validated_data["file"],
            checklist_key=data.validated_data["checklist_key"],
            document_request=document_request,
        )
        return self.respond(output.document_out(document, application), application, status_code=201)


class DocumentDetail(CitizenView):
    @extend_schema(responses=ANY, operation_id="applications_documents_detail")
    def get(self, request, application_id, document_id):
        application = self.application(application_id)
        document = child_get(queryset=documents_for(application=application), public_id=document_id)
        return Response(output.document_out(document, application))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, application_id, document_id):
        """Remove an upload (only before submission)."""
        application = self.application(application_id)
        document = child_get(queryset=documents_for(application=application), public_id=document_id)
        check_if_match(request, application)
        document_delete(application=application, actor=request.user, document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentFile(CitizenView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, application_id, document_id):
        """The file itself, always as a download (never rendered inline)."""
        application = self.application(application_id)
        document = child_get(queryset=documents_for(application=application), public_id=document_id)
        try:
            handle = files.private_storage().open(document.storage_name, "rb")
        except FileNotFoundError:
            raise Problem(status=404, code="file_missing", detail=_("The file is not available.")) from None
        return FileResponse(
            handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
        )


class DocumentRequestList(CitizenView):
    @extend_schema(responses=ANY)
    def get(self, request, application_id):
        """Requests of the Jobcenter to send documents (§60 SGB I), with deadline and warning."""
        application = self.application(application_id)
        requests = [output.document_request_out(r, application) for r in document_requests_for(application=application)]
        return Response({"requests": requests})


class DocumentRequestDetail(CitizenView):
    @extend_schema(responses=ANY, operation_id="applications_document_requests_detail")
    def get(self, request, application_id, request_id):
        application = self.application(application_id)
        item = child_get(queryset=document_requests_for(application=application), public_id=request_id)
        return Response(output.document_request_out(item, application))


# --- Postfach ---------------------------------------------------------------------------------
class MessageList(CitizenView):
    @extend_schema(responses=ANY)
    def get(self, request, application_id):
        application = self.application(application_id)
        paginator = PagePagination()
        page = paginator.paginate_queryset(messages_for(application=application), request, view=self)
        response = paginator.get_paginated_response([output.message_out(m) for m in page])
        response.data["unread"] = unread_for_citizen(application=application)
        return response

    @extend_schema(request=MessageIn, responses=ANY)
    @idempotent
    def post(self, request, application_id):
        application = self.application(application_id)
        data = MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        message = message_post(application=application, actor=request.user, body=data.validated_data["body"])
        return Response(output.message_out(message), status=status.HTTP_201_CREATED)


class MessagesRead(CitizenView):
    @extend_schema(request=None, responses=ANY)
    def post(self, request, application_id):
        """Mark the Jobcenter's messages as read."""
        application = self.application(application_id)
        count = messages_mark_read(application=application, actor=request.user)
        return Response({"marked_read": count, "unread": unread_for_citizen(application=application)})
