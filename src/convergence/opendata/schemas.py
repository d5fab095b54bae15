"""Pydantic models of open data at the API and CLI boundaries."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from convergence.opendata.kinds import DatasetKindName, DownloadFormat, Licence


class DatasetCreate(BaseModel):
    """A dataset a member intends to publish; created unpublished."""

    kind: DatasetKindName
    member_id: int | None = Field(default=None, description="defaults to the caller's member")
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    licence: Licence = Licence.etalab_2_0


class DatasetUpdate(BaseModel):
    """A partial change of a dataset's description; only the fields given change."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    licence: Licence | None = None


class DatasetOut(BaseModel):
    """A dataset as its member sees it."""

    id: int
    member_id: int
    kind: DatasetKindName
    title: str
    description: str
    licence: Licence
    published: bool
    published_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime


class ValidationProblem(BaseModel):
    """One reason why a file of a dataset cannot be served."""

    model_config = ConfigDict(frozen=True)

    resource: str
    row: int | None = None
    field: str | None = None
    message_fr: str
    message_en: str


class ResourceSummary(BaseModel):
    name: str
    schema_name: str
    rows: int


class ValidationReport(BaseModel):
    """The outcome of building and validating every file of a dataset."""

    dataset_id: int
    valid: bool
    resources: list[ResourceSummary]
    problems: list[ValidationProblem]


class PublicationOut(BaseModel):
    dataset: DatasetOut
    validation: ValidationReport


class Period(BaseModel):
    """Local days (Europe/Paris) a time-series file covers, both ends included."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("`to` is before `from`")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class PublisherOut(BaseModel):
    name: str
    siren: str


class DistributionOut(BaseModel):
    """One file of a dataset in one format."""

    resource: str
    title: str
    format: DownloadFormat
    media_type: str
    download_url: str
    schema_name: str
    schema_url: str
    official_schema_page: str | None


class PublicDatasetOut(BaseModel):
    """A published dataset as anyone sees it."""

    id: int
    kind: DatasetKindName
    title: str
    description: str
    licence: Licence
    licence_title: str
    licence_url: str
    publisher: PublisherOut
    communes: list[str]
    keywords: list[str]
    published_at: datetime | None
    updated_at: datetime
    temporal_start: date | None
    temporal_end: date | None
    distributions: list[DistributionOut]
