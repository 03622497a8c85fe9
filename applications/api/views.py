"""The citizen's side of the application API (``/api/v1/applications/...``).

Every view finds the application through ``application_get_for_owner`` (404
for anyone but the applicant), parses input, calls one service or selector and
renders an output serializer. Writes pass the request's ``If-Match`` to the
service, which checks it on the row it locked. Section PATCHes save the valid
fields and answer 200 with ``rejected`` naming each field that was not saved.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import files
from applications.api.serializers import (
    ApplicationDetailOut,
    ApplicationOut,
    ApplicationSummaryOut,
    AssetEntryIn,
    AssetEntryOut,
    AssetsFlagIn,
    AssetsOut,
    BankAccountIn,
    BankAccountOut,
    ChecklistOut,
    CitizenDocumentOut,
    CreateIn,
    DocumentIn,
    DocumentListOut,
    DocumentRequestListOut,
    DocumentRequestOut,
    HealthInsuranceIn,
    HealthInsuranceListOut,
    HealthInsuranceOut,
    HousingIn,
    HousingOut,
    IncomeEntryIn,
    IncomeEntryOut,
    IncomeFlagIn,
    IncomeOut,
    MemberIn,
    MemberListOut,
    MemberOut,
    MessageIn,
    MessageOut,
    MessagePageOut,
    MessagesReadOut,
    PersonalIn,
    PersonalOut,
    TimelineOut,
    WithdrawIn,
    saved_out,
    split_valid,
)
from applications.checklist import checklist_for
from applications.constants import Relationship
from applications.models import Application, AssetEntry, IncomeEntry
from applications.selectors import (
    application_get_for_owner,
    applications_for_owner,
    child_get,
    document_requests_for,
    documents_for,
    entries_for,
    member_get,
    messages_for,
    receipt_for,
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
from portal.api.conditional import with_etag
from portal.api.idempotency import idempotent
from portal.api.pagination import PagePagination
from portal.api.permissions import IsCitizen

ANY = OpenApiTypes.OBJECT
NO_CONTENT = {204: None}


def if_match(request: Request) -> str | None:
    return request.headers.get("If-Match")


def render(
    serializer_class: type[serializers.Serializer],
    instance,
    *,
    etag_of: Application | None = None,
    status_code: int = 200,
    **context,
) -> Response:
    """``serializer_class(instance)`` as the response; with ``etag_of``'s ETag (its version as
    the service left it, or as read)."""
    response = Response(serializer_class(instance, context=context).data, status=status_code)
    return with_etag(response, etag_of) if etag_of is not None else response


def render_saved(serializer_class, part, rejected: dict, *, status_code: int = 200, **context) -> Response:
    """A partial save's answer: the part as stored (``part.application`` is the application
    the service locked, with its new version) and the fields that were ``rejected``."""
    application = part if isinstance(part, Application) else part.application
    return render(
        saved_out(serializer_class), part, etag_of=application, status_code=status_code, rejected=rejected, **context
    )


class CitizenView(APIView):
    permission_classes = [IsCitizen]

    def application(self, application_id, *, detail: bool = False) -> Application:
        return application_get_for_owner(user=self.request.user, public_id=application_id, detail=detail)


# --- the application --------------------------------------------------------------------------
class ApplicationList(CitizenView):
    pagination_class = PagePagination  # read by the schema generator

    @extend_schema(responses=ApplicationSummaryOut(many=True))
    def get(self, request):
        paginator = PagePagination()
        page = paginator.paginate_queryset(applications_for_owner(user=request.user), request, view=self)
        return paginator.get_paginated_response(ApplicationSummaryOut(page, many=True).data)

    @extend_schema(request=CreateIn, responses={201: ApplicationOut})
    @idempotent
    def post(self, request):
        """Start a first application; ``{"lodge": true}`` also secures the date at once."""
        data = CreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        created = application_create(
            applicant=request.user,
            jobcenter_id=data.validated_data.get("jobcenter"),
            lodge=data.validated_data["lodge"],
        )
        application = self.application(created.public_id, detail=True)
        response = render(ApplicationOut, application, etag_of=application, status_code=201)
        response["Location"] = response.data["url"]
        return response


class ApplicationDetail(CitizenView):
    @extend_schema(responses=ApplicationDetailOut, operation_id="applications_detail")
    def get(self, request, application_id):
        """Everything, plus ``missing``: what still blocks submission (field path and reason)."""
        application = self.application(application_id, detail=True)
        unread = unread_for_citizen(application=application)
        return render(ApplicationDetailOut, application, etag_of=application, unread_messages=unread)

    @extend_schema(request=None, responses=NO_CONTENT)
    def delete(self, request, application_id):
        """Delete a draft that was never lodged (409 otherwise)."""
        application = self.application(application_id)
        application_delete_draft(application=application, actor=request.user, if_match=if_match(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LodgeView(CitizenView):
    @extend_schema(request=None, responses=ApplicationOut)
    @idempotent
    def post(self, request, application_id):
        """Secure the application date now (§37 SGB II); repeating it changes nothing."""
        application_lodge(application=self.application(application_id), actor=request.user, if_match=if_match(request))
        application = self.application(application_id, detail=True)
        return render(ApplicationOut, application, etag_of=application)


class SubmitView(CitizenView):
    @extend_schema(request=None, responses=ApplicationOut)
    @idempotent
    def post(self, request, application_id):
        """Submit (send an ``Idempotency-Key``): 422 with ``missing``, else frozen and receipted."""
        application = application_submit(
            application=self.application(application_id), actor=request.user, if_match=if_match(request)
        )
        return render(ApplicationOut, application, etag_of=application)


class WithdrawView(CitizenView):
    @extend_schema(request=WithdrawIn, responses=ApplicationOut)
    def post(self, request, application_id):
        application = self.application(application_id)
        data = WithdrawIn(data=request.data)
        data.is_valid(raise_exception=True)
        application_withdraw(
            application=application,
            actor=request.user,
            reason=data.validated_data["reason"],
            if_match=if_match(request),
        )
        application = self.application(application_id, detail=True)
        return render(ApplicationOut, application, etag_of=application)


class ReceiptView(CitizenView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, application_id):
        application = self.application(application_id)
        response = HttpResponse(receipt_for(application=application), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="receipt-{application.reference}.pdf"'
        return response


class TimelineView(CitizenView):
    @extend_schema(responses=TimelineOut)
    def get(self, request, application_id):
        application = self.application(application_id)
        return render(TimelineOut, {"status": application.status, "events": timeline_for(application=application)})


# --- form sections ----------------------------------------------------------------------------
class PersonalView(CitizenView):
    @extend_schema(responses=PersonalOut)
    def get(self, request, application_id):
        application = self.application(application_id, detail=True)
        return render(PersonalOut, application.applicant_member, etag_of=application)

    @extend_schema(request=PersonalIn, responses=saved_out(PersonalOut))
    def patch(self, request, application_id):
        application = self.application(application_id)
        values, rejected = split_valid(PersonalIn, request.data)
        applicant = personal_update(
            application=application, actor=request.user, values=values, if_match=if_match(request)
        )
        return render_saved(PersonalOut, applicant, rejected)


class HouseholdList(CitizenView):
    @extend_schema(responses=MemberListOut)
    def get(self, request, application_id):
        application = self.application(application_id, detail=True)
        return render(MemberListOut, {"members": application.members.all()}, etag_of=application)

    @extend_schema(request=MemberIn, responses={201: saved_out(MemberOut)})
    def post(self, request, application_id):
        """Add a person (``relationship`` is required; other fields may follow later)."""
        application = self.application(application_id)
        values, rejected = split_valid(MemberIn, request.data, required=("relationship",))
        member = member_add(application=application, actor=request.user, values=values, if_match=if_match(request))
        return render_saved(MemberOut, member, rejected, status_code=201)


class MemberDetail(CitizenView):
    @extend_schema(responses=MemberOut, operation_id="applications_household_member")
    def get(self, request, application_id, member_id):
        application = self.application(application_id)
        member = member_get(application=application, public_id=member_id)
        return render(MemberOut, member, etag_of=application)

    @extend_schema(request=MemberIn, responses=saved_out(MemberOut))
    def patch(self, request, application_id, member_id):
        """The applicant's own data is the Hauptantrag's (``personal``, without the address)."""
        application = self.application(application_id)
        member = member_get(application=application, public_id=member_id)
        is_applicant = member.relationship == Relationship.APPLICANT
        values, rejected = split_valid(PersonalIn if is_applicant else MemberIn, request.data)
        if is_applicant:
            values = {k: v for k, v in values.items() if k not in ADDRESS_FIELDS}
        member = section_update(
            application=application,
            actor=request.user,
            section="household",
            instance=member,
            values=values,
            if_match=if_match(request),
        )
        return render_saved(MemberOut, member, rejected)

    @extend_schema(request=None, responses=NO_CONTENT)
    def delete(self, request, application_id, member_id):
        application = self.application(application_id)
        member = member_get(application=application, public_id=member_id)
        member_delete(application=application, actor=request.user, member=member, if_match=if_match(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class _PartView(CitizenView):
    """A one-row section of the form (housing, bank account)."""

    section = ""
    serializer_in: type[serializers.Serializer]
    serializer_out: type[serializers.Serializer]

    def get(self, request, application_id):
        application = self.application(application_id)
        return render(self.serializer_out, getattr(application, self.section), etag_of=application)

    def patch(self, request, application_id):
        application = self.application(application_id)
        values, rejected = split_valid(self.serializer_in, request.data)
        part = section_update(
            application=application,
            actor=request.user,
            section=self.section,
            instance=getattr(application, self.section),
            values=values,
            if_match=if_match(request),
        )
        return render_saved(self.serializer_out, part, rejected)


@extend_schema_view(
    get=extend_schema(responses=HousingOut), patch=extend_schema(request=HousingIn, responses=saved_out(HousingOut))
)
class HousingView(_PartView):
    section, serializer_in, serializer_out = "housing", HousingIn, HousingOut


@extend_schema_view(
    get=extend_schema(responses=BankAccountOut),
    patch=extend_schema(request=BankAccountIn, responses=saved_out(BankAccountOut)),
)
class BankAccountView(_PartView):
    section, serializer_in, serializer_out = "bank_account", BankAccountIn, BankAccountOut


class HealthInsuranceList(CitizenView):
    @extend_schema(responses=HealthInsuranceListOut)
    def get(self, request, application_id):
        application = self.application(application_id, detail=True)
        return render(HealthInsuranceListOut, {"members": application.members.all()}, etag_of=application)


class HealthInsuranceDetail(CitizenView):
    @extend_schema(request=HealthInsuranceIn, responses=saved_out(HealthInsuranceOut))
    def patch(self, request, application_id, member_id):
        application = self.application(application_id)
        member = member_get(application=application, public_id=member_id)
        values, rejected = split_valid(HealthInsuranceIn, request.data)
        member = section_update(
            application=application,
            actor=request.user,
            section="health_insurance",
            instance=member,
            values=values,
            if_match=if_match(request),
        )
        return render_saved(HealthInsuranceOut, member, rejected)


def entry_views(
    *,
    section: str,
    model: type[IncomeEntry | AssetEntry],
    flag_in: type[serializers.Serializer],
    section_out: type[serializers.Serializer],
    entry_in: type[serializers.Serializer],
    entry_out: type[serializers.Serializer],
) -> tuple[type[CitizenView], type[CitizenView], type[CitizenView]]:
    """Income (Anlage EK) and assets (Anlage VM) work alike: a yes/no question and entries.
    Returns the views of the section, of its entry list and of one entry."""

    class Section(CitizenView):
        @extend_schema(responses=section_out)
        def get(self, request, application_id):
            application = self.application(application_id, detail=True)
            return render(section_out, application, etag_of=application)

        @extend_schema(request=flag_in, responses=saved_out(section_out))
        def patch(self, request, application_id):
            """Answer the question ``has_income`` / ``has_assets`` (true, false or null)."""
            application = self.application(application_id)
            values, rejected = split_valid(flag_in, request.data)
            section_update(
                application=application,
                actor=request.user,
                section=section,
                instance=application,
                values=values,
                if_match=if_match(request),
            )
            return render_saved(section_out, self.application(application_id, detail=True), rejected)

    class Entries(CitizenView):
        @extend_schema(request=entry_in, responses={201: saved_out(entry_out)})
        def post(self, request, application_id):
            """Add an entry (``member`` and ``kind`` are required; amounts may follow later)."""
            application = self.application(application_id)
            values, rejected = split_valid(
                entry_in, request.data, context={"application": application}, required=("member", "kind")
            )
            entry = entry_add(
                application=application, actor=request.user, model=model, values=values, if_match=if_match(request)
            )
            return render_saved(entry_out, entry, rejected, status_code=201)

    class Entry(CitizenView):
        def entry(self, application: Application, entry_id):
            return child_get(queryset=entries_for(application=application, model=model), public_id=entry_id)

        @extend_schema(responses=entry_out)
        def get(self, request, application_id, entry_id):
            application = self.application(application_id)
            return render(entry_out, self.entry(application, entry_id), etag_of=application)

        @extend_schema(request=entry_in, responses=saved_out(entry_out))
        def patch(self, request, application_id, entry_id):
            application = self.application(application_id)
            entry = self.entry(application, entry_id)
            values, rejected = split_valid(entry_in, request.data, context={"application": application})
            entry = section_update(
                application=application,
                actor=request.user,
                section=section,
                instance=entry,
                values=values,
                if_match=if_match(request),
            )
            return render_saved(entry_out, entry, rejected)

        @extend_schema(request=None, responses=NO_CONTENT)
        def delete(self, request, application_id, entry_id):
            application = self.application(application_id)
            entry = self.entry(application, entry_id)
            entry_delete(application=application, actor=request.user, entry=entry, if_match=if_match(request))
            return Response(status=status.HTTP_204_NO_CONTENT)

    for view, name in ((Section, "Section"), (Entries, "EntryList"), (Entry, "EntryDetail")):
        view.__name__ = view.__qualname__ = f"{model.__name__.removesuffix('Entry')}{name}"
    return Section, Entries, Entry


IncomeSection, IncomeEntryList, IncomeEntryDetail = entry_views(
    section="income",
    model=IncomeEntry,
    flag_in=IncomeFlagIn,
    section_out=IncomeOut,
    entry_in=IncomeEntryIn,
    entry_out=IncomeEntryOut,
)
AssetsSection, AssetEntryList, AssetEntryDetail = entry_views(
    section="assets",
    model=AssetEntry,
    flag_in=AssetsFlagIn,
    section_out=AssetsOut,
    entry_in=AssetEntryIn,
    entry_out=AssetEntryOut,
)


# --- evidence ---------------------------------------------------------------------------------
class ChecklistView(CitizenView):
    @extend_schema(responses=ChecklistOut)
    def get(self, request, application_id):
        """The documents needed, derived from the data, each with its uploads."""
        application = self.application(application_id, detail=True)
        return render(ChecklistOut, {"items": checklist_for(application)}, application=application)


class DocumentList(CitizenView):
    parser_classes = [MultiPartParser]

    @extend_schema(responses=DocumentListOut)
    def get(self, request, application_id):
        application = self.application(application_id)
        documents = documents_for(application=application)
        return render(DocumentListOut, {"documents": documents}, application=application)

    @extend_schema(request={"multipart/form-data": DocumentIn}, responses={201: CitizenDocumentOut})
    def post(self, request, application_id):
        """Upload a PDF, JPEG or PNG (``file``) for a checklist item (``checklist_key``,
        default "other") or in answer to a document request (``document_request``)."""
        application = self.application(application_id)
        files.check_request_size(request)  # before the body is read
        files.check_file_count(request)
        data = DocumentIn(data=request.data)
        data.is_valid(raise_exception=True)
        document_request = None
        if data.validated_data.get("document_request"):
            document_request = child_get(
                queryset=document_requests_for(application=application),
                public_id=data.validated_data["document_request"],
            )
        document = document_upload(
            application=application,
            actor=request.user,
            upload=data.validated_data["file"],
            checklist_key=data.validated_data["checklist_key"],
            document_request=document_request,
            if_match=if_match(request),
        )
        return render(CitizenDocumentOut, document, etag_of=document.application, status_code=201)


class DocumentDetail(CitizenView):
    @extend_schema(responses=CitizenDocumentOut, operation_id="applications_documents_detail")
    def get(self, request, application_id, document_id):
        application = self.application(application_id)
        document = child_get(queryset=documents_for(application=application), public_id=document_id)
        return render(CitizenDocumentOut, document, application=application)

    @extend_schema(request=None, responses=NO_CONTENT)
    def delete(self, request, application_id, document_id):
        """Remove an upload (only before submission)."""
        application = self.application(application_id)
        document = child_get(queryset=documents_for(application=application), public_id=document_id)
        document_delete(application=application, actor=request.user, document=document, if_match=if_match(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentFile(CitizenView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, application_id, document_id):
        """The file itself, always as a download (never rendered inline)."""
        application = self.application(application_id)
        document = child_get(queryset=documents_for(application=application), public_id=document_id)
        return files.download_response(document)


class DocumentRequestList(CitizenView):
    @extend_schema(responses=DocumentRequestListOut)
    def get(self, request, application_id):
        """Requests of the Jobcenter to send documents (§60 SGB I), with deadline and warning."""
        application = self.application(application_id)
        requests = document_requests_for(application=application)
        return render(DocumentRequestListOut, {"requests": requests}, application=application)


class DocumentRequestDetail(CitizenView):
    @extend_schema(responses=DocumentRequestOut, operation_id="applications_document_requests_detail")
    def get(self, request, application_id, request_id):
        application = self.application(application_id)
        item = child_get(queryset=document_requests_for(application=application), public_id=request_id)
        return render(DocumentRequestOut, item, application=application)


# --- Postfach ---------------------------------------------------------------------------------
class MessageList(CitizenView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(responses=MessagePageOut)
    def get(self, request, application_id):
        """A page of the thread (``?page=``), and how many of the Jobcenter's messages are unread."""
        application = self.application(application_id)
        paginator = PagePagination()
        page = paginator.paginate_queryset(messages_for(application=application), request, view=self)
        return render(
            MessagePageOut,
            {
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": page,
                "unread": unread_for_citizen(application=application),
            },
            application=application,
        )

    @extend_schema(
        request={"application/json": MessageIn, "multipart/form-data": MessageIn}, responses={201: MessageOut}
    )
    @idempotent
    def post(self, request, application_id):
        """Write to the Jobcenter; as multipart, with files under ``attachments`` (each checked
        as every upload; one bad file refuses the whole message)."""
        application = self.application(application_id)
        files.check_request_size(request)  # before the body is read
        data = MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        message = message_post(
            application=application,
            actor=request.user,
            body=data.validated_data["body"],
            attachments=data.validated_data["attachments"],
        )
        return render(MessageOut, message, application=application, status_code=201)


class MessagesRead(CitizenView):
    @extend_schema(request=None, responses=MessagesReadOut)
    def post(self, request, application_id):
        """Mark the Jobcenter's messages as read."""
        application = self.application(application_id)
        count = messages_mark_read(application=application, actor=request.user)
        return render(MessagesReadOut, {"marked_read": count, "unread": unread_for_citizen(application=application)})
