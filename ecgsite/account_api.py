"""REST API for the account itself: whom the token belongs to, and deleting the account."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import renderer_classes
from rest_framework.request import Request
from rest_framework.response import Response

from analysis import data_export
from analysis.review import is_reviewer
from ecgsite import erasure
from ecgsite.accounts import LOGIN_LOCK_S, PasswordLocked, password_problem
from ecgsite.api import BadRequest, NotReady, ZipRenderer, file_renderers, responses
from ecgsite.decorators import api_view


class AccountSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.EmailField()
    date_joined = serializers.DateTimeField()
    reviewer = serializers.BooleanField(help_text="whether the account works the review queue")
    recordings = serializers.IntegerField(help_text="how many recordings the account holds")


class DeleteAccountSerializer(serializers.Serializer):
    password = serializers.CharField(
        trim_whitespace=False, help_text="the account's password, to confirm the deletion"
    )


@extend_schema(
    methods=["GET"],
    operation_id="account_retrieve",
    summary="The account the credentials belong to",
    responses=responses({200: AccountSerializer}),
)
@extend_schema(
    methods=["DELETE"],
    operation_id="account_destroy",
    summary="Delete the account and everything stored for it (recordings, files, analyses, "
    "reviews of them, the token, webhooks); it cannot be undone",
    description="The account's password confirms it: 400 `wrong_password` if it is not; "
    "after 10 wrong ones, 429 for 15 minutes. 409 `account_has_reviews` for an account "
    "that reviewed other people's recordings: those reviews are part of their audit trails.",
    request=DeleteAccountSerializer,
    responses=responses({204: None}, 400, 409),
)
@api_view(["GET", "DELETE"])
def account(request: Request) -> Response:
    user = request.user
    if request.method == "DELETE":
        body = DeleteAccountSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if problem := erasure.deletion_problem(user):
            raise NotReady(problem, code="account_has_reviews")
        try:
            wrong = password_problem(request, user, body.validated_data["password"])
        except PasswordLocked as exc:
            raise exceptions.Throttled(wait=LOGIN_LOCK_S, detail=str(exc)) from exc
        if wrong:
            raise BadRequest(wrong, code="wrong_password")
        erasure.delete_account(user)
        return Response(status=status.HTTP_204_NO_CONTENT)
    data = {
        "username": user.username,
        "email": user.email,
        "date_joined": user.date_joined,
        "reviewer": is_reviewer(user),
        "recordings": user.recordings.count(),
    }
    return Response(AccountSerializer(data).data)


@extend_schema(
    operation_id="account_export",
    summary="Everything the account holds, as one zip: each recording's original files and "
    "questionnaire, each succeeded analysis's results.json, beats (or rows) CSV and events CSV, "
    "and account.json listing them",
    responses=responses({(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)}),
)
@api_view(["GET"])
@renderer_classes(file_renderers(ZipRenderer))
def account_export(request: Request) -> StreamingHttpResponse:
    return data_export.account_zip(request.user)
