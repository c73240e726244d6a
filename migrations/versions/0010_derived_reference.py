"""the reference is derived from the year and the id, no longer stored

Revision ID: 5b1e0c7d2a90
Revises: 34c44dfbf855
Create Date: 2026-12-07 03:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e0c7d2a90'
down_revision = '34c44dfbf855'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.drop_constraint('uq_inquiries_reference', type_='unique')
        batch_op.drop_column('reference')


def downgrade():
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=20), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "UPDATE inquiries SET reference = 'AI-' || to_char(created_at AT TIME ZONE 'UTC', 'YYYY')"
            " || '-' || lpad(id::text, greatest(6, length(id::text)), '0')"
        )
    else:
        op.execute(
            "UPDATE inquiries SET reference = 'AI-' || strftime('%Y', created_at)"
            " || '-' || printf('%06d', id)"
        )
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_inquiries_reference', ['reference'])
