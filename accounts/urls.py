from django.contrib.auth import views as auth_views
from django.urls import path, re_path, reverse_lazy

from accounts import forms, views

app_name = "accounts"

# Django's own sign-in and password views, with the portal's forms and templates. The templates live under
# accounts/ rather than registration/, so that the admin keeps its own password pages.
auth_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            form_class=forms.LoginForm, template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(
            form_class=forms.PasswordChangeForm,
            template_name="accounts/password_change_form.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(
            form_class=forms.PasswordResetForm,
            template_name="accounts/password_reset_form.html",
            subject_template_name="accounts/email/password_reset_subject.txt",
            email_template_name="accounts/email/password_reset_email.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=forms.SetPasswordForm,
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    *auth_patterns,
    path("register/", views.register, name="register"),
    path("link/", views.link, name="link"),
    path("", views.account_list, name="list"),
    path("search/", views.search, name="search"),
    re_path(r"^(?P<number>\d{10})/$", views.detail, name="detail"),
    re_path(r"^(?P<number>\d{10})/unlink/$", views.unlink, name="unlink"),
]
