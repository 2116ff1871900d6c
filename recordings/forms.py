import math

from django import forms
from django.db import transaction

from recordings.models import CONDITIONS, SYMPTOMS, Questionnaire, Recording, Symptom


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files and cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class UploadForm(forms.Form):
    name = forms.CharField(
        max_length=200, required=False, help_text="Defaults to the record's file name."
    )
    files = MultipleFileField(
        help_text="A WFDB record (.hea with its .dat and optional .atr, or all of them in one .zip), "
        "a CSV (one column per lead), an EDF or a .npy file; or a UCR/ECG5000 beat table (.tsv: "
        "the label, then 140 samples, per row)."
    )
    sampling_rate = forms.FloatField(
        required=False,
        min_value=1,
        max_value=100_000,
        label="Sampling rate (Hz)",
        help_text="Needed for a CSV without a time column, or a .npy file.",
    )


def parse_times(text: str, duration_s: float) -> list[float]:
    """Times into the recording, comma-separated: ``h:mm``, ``h:mm:ss`` or plain minutes."""
    times = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        try:
            pieces = [float(x) for x in part.split(":")]
        except ValueError:
            raise forms.ValidationError(
                f"“{part}” is not a time: write h:mm (e.g. 1:05) or minutes (e.g. 65)."
            ) from None
        if len(pieces) > 3 or not all(math.isfinite(p) and p >= 0 for p in pieces):
            raise forms.ValidationError(f"“{part}” is not a time: write h:mm or minutes.")
        if any(p >= 60 for p in pieces[1:]):
            raise forms.ValidationError(
                f"“{part}” is not a time: minutes and seconds after a colon go up to 59."
            )
        if len(pieces) == 1:
            seconds = pieces[0] * 60
        else:
            seconds = pieces[0] * 3600 + pieces[1] * 60 + (pieces[2] if len(pieces) == 3 else 0)
        if seconds > duration_s:
            raise forms.ValidationError(
                f"{part} is after the end of the recording ({duration_s / 60:.0f} minutes long)."
            )
        times.append(seconds)
    return times


def format_time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class QuestionnaireForm(forms.Form):
    """Symptoms with their timing, and the person's age, sex, conditions and medication."""

    age = forms.IntegerField(required=False, min_value=0, max_value=120)
    sex = forms.ChoiceField(
        required=False, choices=[("", "Prefer not to say"), *Questionnaire.Sex.choices]
    )
    conditions = forms.MultipleChoiceField(
        required=False,
        choices=list(CONDITIONS.items()),
        widget=forms.CheckboxSelectMultiple,
        label="Known conditions",
    )
    other_conditions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Other conditions"
    )
    medication = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Names and doses, e.g. bisoprolol 2.5 mg daily.",
    )

    def __init__(self, *args, recording: Recording, **kwargs):
        self.recording = recording
        super().__init__(*args, **kwargs)
        for key, label in SYMPTOMS.items():
            self.fields[key] = forms.BooleanField(required=False, label=label)
            self.fields[f"{key}_at"] = forms.CharField(
                required=False,
                label="When",
                help_text="Time into the recording (h:mm, or minutes); several: separate with commas. "
                "Leave blank if you do not know.",
            )

    def symptom_fields(self):
        return [(self[key], self[f"{key}_at"]) for key in SYMPTOMS]

    def other_fields(self):
        return [
            self[name] for name in ("age", "sex", "conditions", "other_conditions", "medication")
        ]

    def clean(self):
        data = super().clean()
        for key in SYMPTOMS:
            try:
                times = parse_times(data.get(f"{key}_at") or "", self.recording.duration_s)
            except forms.ValidationError as exc:
                self.add_error(f"{key}_at", exc)
                continue
            if times:
                data[key] = True
            data[f"{key}_times"] = times
        return data

    @classmethod
    def initial_for(cls, questionnaire: Questionnaire | None) -> dict:
        if questionnaire is None:
            return {}
        initial = {
            "age": questionnaire.age,
            "sex": questionnaire.sex,
            "conditions": questionnaire.conditions,
            "other_conditions": questionnaire.other_conditions,
            "medication": questionnaire.medication,
        }
        for symptom in questionnaire.symptoms.all():
            initial[symptom.kind] = True
            if symptom.at_s is not None:
                before = initial.get(f"{symptom.kind}_at")
                now = format_time(symptom.at_s)
                initial[f"{symptom.kind}_at"] = f"{before}, {now}" if before else now
        return initial

    def save(self) -> Questionnaire:
        """Replace the recording's answers with these, in one transaction."""
        data = self.cleaned_data
        with transaction.atomic():
            questionnaire, _ = Questionnaire.objects.update_or_create(
                recording=self.recording,
                defaults={
                    "age": data["age"],
                    "sex": data["sex"],
                    "conditions": data["conditions"],
                    "other_conditions": data["other_conditions"].strip(),
                    "medication": data["medication"].strip(),
                },
            )
            questionnaire.symptoms.all().delete()
            rows = []
            for key in SYMPTOMS:
                if not data.get(key):
                    continue
                times = data.get(f"{key}_times") or [None]
                rows += [Symptom(questionnaire=questionnaire, kind=key, at_s=t) for t in times]
            Symptom.objects.bulk_create(rows)
        return questionnaire
