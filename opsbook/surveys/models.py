"""Surveys sent to customer contacts.

A ``Survey`` holds its ``Question`` rows; once a campaign of it has been sent its questions are
frozen (a changed questionnaire is a new version, ``Survey.previous``). A ``Campaign`` sends one
survey to an audience (customer organisations and/or single contacts); each contact gets one
``Invitation`` with a one-time token of which only a SHA-256 digest is stored. A ``Response``
and its ``Answer`` rows exist only when a contact submitted them: the system never creates one.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.models import Customer

from .choices import QuestionKind, Via


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("previous version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        """Questions can no longer change: a campaign of this version has been sent."""
        return self.campaigns.filter(sent_at__isnull=False).exists()


class Question(models.Model):
    survey = models.ForeignKey(Survey, models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    required = models.BooleanField(_("required"), default=True)
    # The options of a single or multiple choice question, in order.
    options = models.JSONField(_("options"), default=list, blank=True)

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class Campaign(models.Model):
    survey = models.ForeignKey(Survey, models.PROTECT, related_name="campaigns")
    name = models.CharField(_("name"), max_length=200)
    customers = models.ManyToManyField(
        Customer, blank=True, related_name="survey_campaigns", verbose_name=_("organisations")
    )
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="survey_campaigns",
        verbose_name=_("contacts"),
    )
    closes_at = models.DateTimeField(_("closes at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """One contact's invitation to a campaign; the token is shown once (in the e-mail)."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="survey_invitations"
    )
    # The contact's organisation when invited (the metrics' customer dimension).
    customer = models.ForeignKey(
        Customer, models.SET_NULL, null=True, blank=True, related_name="survey_invitations"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        ordering = ["campaign", "id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "contact"], name="surveys_one_invitation_per_contact"
            )
        ]
        indexes = [models.Index(fields=["sent_at"], name="surveys_invitation_sent_idx")]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.contact}"

    def is_open(self, now) -> bool:
        return self.responded_at is None and self.expires_at > now


class Response(models.Model):
    invitation = models.OneToOneField(Invitation, models.CASCADE, related_name="response")
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="responses")
    customer = models.ForeignKey(
        Customer, models.SET_NULL, null=True, blank=True, related_name="survey_responses"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    via = models.CharField(_("submitted through"), max_length=10, choices=Via.choices)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["submitted_at"], name="surveys_response_at_idx")]

    def __str__(self) -> str:
        return f"{self.invitation} @ {self.submitted_at:%Y-%m-%d}"


class Answer(models.Model):
    response = models.ForeignKey(Response, models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, models.PROTECT, related_name="answers")
    # NPS 0–10 or rating 1–5.
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["response", "question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="surveys_one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.score if self.score is not None else self.text}"


class Choice(models.Model):
    """One option chosen in an answer to a single or multiple choice question (a row each, so
    results count them in SQL on both databases)."""

    answer = models.ForeignKey(Answer, models.CASCADE, related_name="choices")
    option = models.CharField(_("option"), max_length=200)

    class Meta:
        ordering = ["answer", "id"]
        verbose_name = _("chosen option")
        verbose_name_plural = _("chosen options")
        constraints = [
            models.UniqueConstraint(fields=["answer", "option"], name="surveys_one_choice_each")
        ]

    def __str__(self) -> str:
        return self.option
