"""coordination: partnership proposals, the members they concern, comments

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import convergence.db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("domain", sa.String(length=20), nullable=False),
        sa.Column("rule_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("communes", sa.JSON(), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("generated_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status_changed_at", convergence.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("stale_since", convergence.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_proposals_fingerprint")),
    )
    op.create_table(
        "proposal_members",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_proposal_members_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_members_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", "member_id", name=op.f("pk_proposal_members")),
    )
    op.create_index(
        op.f("ix_proposal_members_member_id"),
        "proposal_members",
        ["member_id"],
        unique=False,
    )
    op.create_table(
        "proposal_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("author_member_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_member_id"],
            ["members.id"],
            name=op.f("fk_proposal_comments_author_member_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_comments_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_comments")),
    )
    op.create_index(
        op.f("ix_proposal_comments_proposal_id"),
        "proposal_comments",
        ["proposal_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_proposal_comments_proposal_id"), table_name="proposal_comments")
    op.drop_table("proposal_comments")
    op.drop_index(
        op.f("ix_proposal_members_member_id"),
        table_name="proposal_members",
    )
    op.drop_table("proposal_members")
    op.drop_table("proposals")
