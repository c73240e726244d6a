"""whether the submitter named the language to answer in (else the worker detects it)

Revision ID: 7c2f4a9e1b35
Revises: 5b1e0c7d2a90
Create Date: 2026-12-07 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2f4a9e1b35'
down_revision = '5b1e0c7d2a90'
branch_labels = None
depends_on = None


def upgrade():
    # Inquiries stored so far had their language settled at intake: true for all of them.
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('language_declared', sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.drop_column('language_declared')
