"""Registration, log-in (Django's view, with a limit on failed attempts), the account page (API
tokens, webhooks) and deleting the account; log out and password change/reset are Django's own
views."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from analysis import data_export, webhook_addresses, webhooks
from analysis.models import WEBHOOK_EVENTS, Webhook, WebhookDelivery, ordered_events
from ecgsite import erasure


class RegisterForm(UserCreationForm):
    email = forms.EmailField(help_text="Used to reset your password.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email


# Failed log-ins allowed per account name and address before it must wait LOGIN_LOCK_S: enough
# for typing mistakes, too few to guess a password. Wrong passwords given to delete the account
# count on the same counter.
LOGIN_FAILURES = 10
LOGIN_LOCK_S = 15 * 60


def failures_key(request: HttpRequest | None, username: str) -> str:
    """The cache key counting wrong passwords for ``username`` from the request's address."""
    address = request.META.get("REMOTE_ADDR", "") if request else ""
    return f"login-failures:{address}:{username.strip().lower()}"


def locked_out(key: str) -> bool:
    return cache.get(key, 0) >= LOGIN_FAILURES


def count_failure(key: str) -> None:
    if not cache.add(key, 1, LOGIN_LOCK_S):
        cache.incr(key)


class LimitedLoginForm(AuthenticationForm):
    def clean(self):
        username = (self.data.get("username") or "").strip().lower()
        key = failures_key(self.request, username)
        if locked_out(key):
            raise forms.ValidationError(
                f"Too many failed log-ins for {username or 'this account'} from this address: "
                f"try again in {LOGIN_LOCK_S // 60} minutes.",
                code="too_many_failures",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            count_failure(key)
            raise


login_view = LoginView.as_view(form_class=LimitedLoginForm)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("dashboard")
    return render(request, "registration/register.html", {"form": form})


# The account page: API tokens, webhooks and their delivery log --------------------------------


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="POSTed a signed JSON body when an analysis succeeds or fails, and when its "
        "review is closed.",
    )

    events = forms.MultipleChoiceField(
        label="Events",
        choices=list(WEBHOOK_EVENTS.items()),
        initial=list(WEBHOOK_EVENTS),
        widget=forms.CheckboxSelectMultiple,
        help_text="what it is sent",
    )

    class Meta:
        model = Webhook
        fields = ["url", "events"]

    def clean_events(self) -> list[str]:
        return ordered_events(self.cleaned_data["events"])

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if problem := webhook_addresses.url_problem(url):
            raise forms.ValidationError(problem)
        if problem := webhooks.duplicate(self.instance.owner_id, url, self.instance.pk):
            raise forms.ValidationError(problem)
        return url


@never_cache  # a secret shown once must not come back from the browser's cache (Back)
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render_account(request, WebhookForm())


def render_account(request: HttpRequest, form: WebhookForm, status: int = 200) -> HttpResponse:
    deliveries = WebhookDelivery.objects.filter(webhook__owner=request.user).select_related(
        "webhook", "analysis__recording"
    )[:50]
    context = {
        "token": Token.objects.filter(user=request.user).first(),
        "webhooks": request.user.webhooks.all(),
        "deliveries": deliveries,
        "form": form,
        "log_days": settings.WEBHOOK_LOG_DAYS,
    }
    return render(request, "account/account.html", context, status=status)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """A new API token; it replaces (revokes) the previous one."""
    Token.objects.filter(user=request.user).delete()
    token = Token.objects.create(user=request.user)
    messages.success(
        request, f"Your new API token: {token.key} (send it as 'Authorization: Token {token.key}')."
    )
    return redirect("account")


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    if Token.objects.filter(user=request.user).delete()[0]:
        messages.success(request, "Your API token is revoked; clients using it are refused.")
    return redirect("account")


@login_required
@require_POST
def webhook_add(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST, instance=Webhook(owner=request.user))
    with transaction.atomic():
        webhooks.lock_owner(request.user.pk)
        if problem := webhooks.too_many(request.user):
            form.add_error(None, problem)
        if not form.is_valid():
            return render_account(request, form, status=400)
        hook = form.save()
    messages.success(
        request, f"Added the webhook {hook.url}. Its secret, shown only this once: {hook.secret}"
    )
    return redirect("account")


@login_required
@require_POST
def webhook_remove(request: HttpRequest, pk: int) -> HttpResponse:
    hook = get_object_or_404(Webhook, pk=pk, owner=request.user)
    hook.delete()
    messages.success(request, f"Removed the webhook {hook.url} and its delivery log.")
    return redirect("account")


@login_required
@require_POST
def webhook_rotate_secret(request: HttpRequest, pk: int) -> HttpResponse:
    hook = get_object_or_404(Webhook, pk=pk, owner=request.user)
    secret = webhooks.rotate_secret(hook)
    until = timezone.localtime(hook.previous_secret_until)
    previous = (
        f"and until {until:%Y-%m-%d %H:%M} also with the old one, in X-Beatline-Signature-Previous"
        if hook.previous_secret_in_force()
        else "and the old one no longer verifies"
    )
    messages.success(
        request,
        f"The new secret of {hook.url}, shown only this once: {secret} (deliveries are signed "
        f"with it from now on, {previous}).",
    )
    return redirect("account")


@login_required
@require_POST
def webhook_ping(request: HttpRequest, pk: int) -> HttpResponse:
    hook = get_object_or_404(Webhook, pk=pk, owner=request.user)
    try:
        webhooks.ping(hook)
    except webhooks.DeliveryConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Sending a test delivery to {hook.url}: see the log below.")
    return redirect("account")


@login_required
@require_POST
def webhook_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("webhook"), pk=pk, webhook__owner=request.user
    )
    try:
        webhooks.redeliver(delivery)
    except webhooks.DeliveryConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Sending the {delivery.event} delivery to {delivery.webhook.url} again."
        )
    return redirect("account")


@login_required
@require_http_methods(["GET"])
def account_export(request: HttpRequest) -> StreamingHttpResponse:
    """Everything the account holds, as one zip (``analysis.data_export``)."""
    return data_export.account_zip(request.user)


# Deleting the account ------------------------------------------------------------------------


class PasswordLocked(Exception):
    """Too many wrong passwords for this account from this address lately (log-ins included);
    the message says how long to wait."""


def password_problem(request: HttpRequest, user: User, password: str) -> str | None:
    """None if ``password`` is ``user``'s; otherwise why not. Wrong passwords count on the log-in
    limit's counter (the account's name from the request's address), so a stolen session or token
    gets no more guesses than the log-in page gives, and failed log-ins lock this too.

    Raises ``PasswordLocked`` while the account is locked out.
    """
    key = failures_key(request, user.get_username())
    if locked_out(key):
        raise PasswordLocked(
            f"Too many wrong passwords or failed log-ins for {user.get_username()} from this "
            f"address: try again in {LOGIN_LOCK_S // 60} minutes."
        )
    if user.check_password(password):
        return None
    count_failure(key)
    return "That is not your password."


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="your password, to confirm that it is you",
    )

    def __init__(self, request: HttpRequest, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            problem = password_problem(self.request, self.user, password)
        except PasswordLocked as exc:
            raise forms.ValidationError(str(exc)) from exc
        if problem:
            raise forms.ValidationError(problem)
        return password


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Confirm with the password, then delete the account and all its data, and log out."""
    problem = erasure.deletion_problem(request.user)
    form = DeleteAccountForm(request, request.POST or None)
    if request.method == "POST" and problem is None and form.is_valid():
        erased = erasure.delete_account(request.user)
        logout(request)
        messages.success(request, f"Your account was deleted, with {erased}.")
        return redirect("login")
    context = {"form": form, "problem": problem, "goes": erasure.what_goes(request.user)}
    status = 200 if request.method == "GET" else 409 if problem else 400
    return render(request, "account/delete.html", context, status=status)


account_urls = [
    path("delete", account_delete, name="account_delete"),
    path("export.zip", account_export, name="account_export"),
    path("", account, name="account"),
    path("token/create", token_create, name="account_token_create"),
    path("token/revoke", token_revoke, name="account_token_revoke"),
    path("webhooks/add", webhook_add, name="account_webhook_add"),
    path("webhooks/<int:pk>/remove", webhook_remove, name="account_webhook_remove"),
    path("webhooks/<int:pk>/ping", webhook_ping, name="account_webhook_ping"),
    path(
        "webhooks/deliveries/<int:pk>/redeliver",
        webhook_redeliver,
        name="account_webhook_redeliver",
    ),
    path(
        "webhooks/<int:pk>/rotate-secret",
        webhook_rotate_secret,
        name="account_webhook_rotate_secret",
    ),
]
