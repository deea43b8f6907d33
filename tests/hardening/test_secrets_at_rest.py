"""Two-factor secrets are stored encrypted with SELFHELP_DATA_KEY, never in clear."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from selfhelp import create_app, crypto
from selfhelp.accounts.models import User
from selfhelp.config import SettingsForTests
from selfhelp.migrate import upgrade
from tests import factories


def _stored(db, user_id: int) -> str:
    return db.execute(text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user_id}).scalar_one()


def test_the_totp_secret_is_encrypted_in_the_database(db, personas):
    guide = personas["guide"]
    stored = _stored(db, guide.id)
    assert factories.TOTP_SECRET not in stored
    assert stored.startswith(crypto.TOKEN_PREFIX)
    db.expire_all()
    assert db.get(User, guide.id).totp_secret == factories.TOTP_SECRET


def test_each_write_gives_a_different_ciphertext(db, personas):
    guide, other = personas["guide"], personas["other_guide"]
    assert _stored(db, guide.id) != _stored(db, other.id)  # same secret, different tokens


def test_the_data_key_from_the_environment_is_used_and_rotates(app, db, personas):
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored_with_old = crypto.encrypt(crypto.make_cipher(old, "x"), "SECRET")
    rotated = crypto.make_cipher(f"{new},{old}", "x")
    assert crypto.decrypt(rotated, stored_with_old) == "SECRET"  # the old key still reads
    assert crypto.decrypt(crypto.make_cipher(new, "x"), crypto.encrypt(rotated, "S2")) == "S2"
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(crypto.make_cipher(new, "x"), stored_with_old)


def test_the_app_reads_its_key_from_selfhelp_data_key(monkeypatch, tmp_path):
    from selfhelp.config import load_config

    key = Fernet.generate_key().decode()
    monkeypatch.setenv("SELFHELP_DATA_KEY", key)
    assert load_config(str(tmp_path))["DATA_KEY"] == key


def test_the_upgrade_encrypts_secrets_stored_in_clear(tmp_path):
    app = create_app(SettingsForTests(database_url=f"sqlite:///{tmp_path / 'u.db'}").as_dict())
    upgrade(app, "0007")
    engine = app.extensions["db"].engine
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, name, locale, created_at, active, security_stamp, "
                          "totp_secret) VALUES (1, 'g@example.com', 'G', 'nb', '2026-03-02 09:00:00', 1, "
                          "'x', :secret)"), {"secret": factories.TOTP_SECRET})
    upgrade(app)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT totp_secret FROM users")).scalar_one()
    assert stored.startswith(crypto.TOKEN_PREFIX)
    assert crypto.decrypt(app.extensions["cipher"], stored) == factories.TOTP_SECRET
    with app.app_context():
        from selfhelp.db import db

        assert db.scalar(select(User.totp_secret)) == factories.TOTP_SECRET
    engine.dispose()
