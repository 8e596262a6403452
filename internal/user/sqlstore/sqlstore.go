// Package sqlstore is the user service's storage on SQLite or PostgreSQL.
// Phone and business numbers are stored AES-256-GCM encrypted, with a keyed
// hash column for uniqueness and lookups; they never appear in plain text.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/user"
)

//go:embed migrations
var migrations embed.FS

// Store implements user.Repository.
type Store struct {
	db     *db.DB
	cipher *authn.FieldCipher
}

// New returns the store.
func New(d *db.DB, c *authn.FieldCipher) *Store { return &Store{db: d, cipher: c} }

// Migrate applies the user service's migrations.
func (s *Store) Migrate(ctx context.Context) error { return s.db.Migrate(ctx, "user", migrations) }

func (s *Store) bnoHash(n string) string   { return s.cipher.Hash("bno:" + n) }
func (s *Store) phoneHash(p string) string { return s.cipher.Hash("phone:" + p) }

// CreateUser inserts the account and its store.
func (s *Store) CreateUser(ctx context.Context, tx *db.Tx, u user.User, st user.Store) error {
	phoneEnc, err := s.cipher.EncryptString(u.Phone)
	if err != nil {
		return err
	}
	bnoEnc, err := s.cipher.EncryptString(u.BusinessNumber)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO users (id, email, password_hash, owner_name, phone_enc, phone_hash,
		business_number_enc, business_number_hash, verification, terms_agreed_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Email, u.PasswordHash, u.OwnerName, phoneEnc, s.phoneHash(u.Phone), bnoEnc, s.bnoHash(u.BusinessNumber),
		u.Verification, sql.NullTime{Time: u.TermsAgreedAt, Valid: !u.TermsAgreedAt.IsZero()}, u.CreatedAt, u.UpdatedAt)
	if db.IsUniqueViolation(err) {
		// Lost a race with a concurrent sign-up that passed the same checks.
		if strings.Contains(err.Error(), "email") {
			return user.ErrEmailTaken.WithField("email", user.ErrEmailTaken.Code, user.ErrEmailTaken.Message)
		}
		return user.ErrBusinessTaken.WithField("businessNumber", user.ErrBusinessTaken.Code, user.ErrBusinessTaken.Message)
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO stores (id, owner_id, name, industry, sido, sigungu, address, phone, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, st.ID, st.OwnerID, st.Name, st.Industry, st.Sido, st.Sigungu, st.Address, st.Phone, st.UpdatedAt)
	return err
}

// locked_until is no longer read: log-ins are throttled per client and
// account in the cache, never by locking the account.
const userColumns = `id, email, password_hash, owner_name, phone_enc, business_number_enc, verification, failed_logins, terms_agreed_at, created_at, updated_at`

func (s *Store) scanUser(row *sql.Row) (user.User, error) {
	var u user.User
	var phoneEnc, bnoEnc string
	var terms sql.NullTime
	err := row.Scan(&u.ID, &u.Email, &u.PasswordHash, &u.OwnerName, &phoneEnc, &bnoEnc, &u.Verification,
		&u.FailedLogins, &terms, &u.CreatedAt, &u.UpdatedAt)
	u.TermsAgreedAt = terms.Time
	if errors.Is(err, sql.ErrNoRows) {
		return user.User{}, user.ErrUserNotFound
	}
	if err != nil {
		return user.User{}, err
	}
	if u.Phone, err = s.cipher.DecryptString(phoneEnc); err != nil {
		return user.User{}, err
	}
	if u.BusinessNumber, err = s.cipher.DecryptString(bnoEnc); err != nil {
		return user.User{}, err
	}
	return u, nil
}

// UserByID loads an account.
func (s *Store) UserByID(ctx context.Context, id string) (user.User, error) {
	return s.scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// UserByEmail loads an account by its (lower-case) email.
func (s *Store) UserByEmail(ctx context.Context, email string) (user.User, error) {
	return s.scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
}

func (s *Store) exists(ctx context.Context, q string, arg string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, q, arg).Scan(&n)
	return n > 0, err
}

// EmailExists reports whether an email is registered.
func (s *Store) EmailExists(ctx context.Context, email string) (bool, error) {
	return s.exists(ctx, `SELECT COUNT(*) FROM users WHERE email = ?`, email)
}

// BusinessExists reports whether a business number is registered.
func (s *Store) BusinessExists(ctx context.Context, number string) (bool, error) {
	return s.exists(ctx, `SELECT COUNT(*) FROM users WHERE business_number_hash = ?`, s.bnoHash(number))
}

// RecordLoginFailure counts a wrong password; for an unknown id it
// matches no row.
func (s *Store) RecordLoginFailure(ctx context.Context, userID string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1, updated_at = ? WHERE id = ?`, now, userID)
	return err
}

// ResetLoginFailures clears the failure count after a good log-in.
func (s *Store) ResetLoginFailures(ctx context.Context, userID string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?`, userID)
	return err
}

// StoreByOwner loads the owner's store.
func (s *Store) StoreByOwner(ctx context.Context, ownerID string) (user.Store, error) {
	var st user.Store
	err := s.db.QueryRowContext(ctx, `SELECT id, owner_id, name, industry, sido, sigungu, address, phone, updated_at
		FROM stores WHERE owner_id = ?`, ownerID).Scan(&st.ID, &st.OwnerID, &st.Name, &st.Industry, &st.Sido, &st.Sigungu,
		&st.Address, &st.Phone, &st.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return user.Store{}, user.ErrStoreNotFound
	}
	return st, err
}

// StoreByID loads a store by its id.
func (s *Store) StoreByID(ctx context.Context, id string) (user.Store, error) {
	var st user.Store
	err := s.db.QueryRowContext(ctx, `SELECT id, owner_id, name, industry, sido, sigungu, address, phone, updated_at
		FROM stores WHERE id = ?`, id).Scan(&st.ID, &st.OwnerID, &st.Name, &st.Industry, &st.Sido, &st.Sigungu,
		&st.Address, &st.Phone, &st.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return user.Store{}, user.ErrStoreNotFound
	}
	return st, err
}

// UpdateStore writes the profile of the owner's store.
func (s *Store) UpdateStore(ctx context.Context, tx *db.Tx, st user.Store) error {
	res, err := tx.ExecContext(ctx, `UPDATE stores SET name = ?, industry = ?, sido = ?, sigungu = ?, address = ?, phone = ?, updated_at = ?
		WHERE id = ? AND owner_id = ?`, st.Name, st.Industry, st.Sido, st.Sigungu, st.Address, st.Phone, st.UpdatedAt, st.ID, st.OwnerID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return user.ErrStoreNotFound
	}
	return nil
}

// SaveRefresh stores a refresh token hash.
func (s *Store) SaveRefresh(ctx context.Context, q db.Querier, t user.RefreshToken) error {
	_, err := q.ExecContext(ctx, `INSERT INTO refresh_tokens (token_hash, user_id, family_id, expires_at, created_at, access_jti, access_expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.Hash, t.UserID, t.FamilyID, t.ExpiresAt, t.CreatedAt, t.Access.TokenID, t.Access.ExpiresAt)
	return err
}

// RefreshByHash loads a refresh token.
func (s *Store) RefreshByHash(ctx context.Context, hash string) (user.RefreshToken, error) {
	var t user.RefreshToken
	var used, revoked sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT token_hash, user_id, family_id, expires_at, used_at, revoked_at, created_at
		FROM refresh_tokens WHERE token_hash = ?`, hash).Scan(&t.Hash, &t.UserID, &t.FamilyID, &t.ExpiresAt, &used, &revoked, &t.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return user.RefreshToken{}, user.ErrInvalidRefreshToken
	}
	if err != nil {
		return user.RefreshToken{}, err
	}
	t.UsedAt, t.RevokedAt = used.Time, revoked.Time
	return t, nil
}

// UseRefresh marks an unused, unrevoked token used.
func (s *Store) UseRefresh(ctx context.Context, tx *db.Tx, hash string, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL`, now, hash)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RevokeFamily revokes every token of a rotation family and returns the
// access tokens they issued that are still live.
func (s *Store) RevokeFamily(ctx context.Context, familyID string, now time.Time) ([]user.AccessGrant, error) {
	var out []user.AccessGrant
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL`, now, familyID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT access_jti, access_expires_at FROM refresh_tokens
			WHERE family_id = ? AND access_jti IS NOT NULL AND access_expires_at > ?`, familyID, now)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var g user.AccessGrant
			if err := rows.Scan(&g.TokenID, &g.ExpiresAt); err != nil {
				return err
			}
			out = append(out, g)
		}
		return rows.Err()
	})
	return out, err
}

// LinkIdentity links a federated identity to an owner (one per provider
// and owner: a new link replaces the old one).
func (s *Store) LinkIdentity(ctx context.Context, provider, subject, userID string) error {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM user_identities WHERE provider = ? AND subject = ?`, provider, subject).Scan(&owner)
		switch {
		case err == nil && owner == userID:
			return nil
		case err == nil:
			return user.ErrFederationTaken
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_identities WHERE provider = ? AND user_id = ?`, provider, userID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO user_identities (provider, subject, user_id, created_at) VALUES (?, ?, ?, ?)`,
			provider, subject, userID, time.Now().UTC())
		return err
	})
	if db.IsUniqueViolation(err) {
		return user.ErrFederationTaken
	}
	return err
}

// HasIdentity reports whether the owner linked an identity of provider.
func (s *Store) HasIdentity(ctx context.Context, provider, userID string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_identities WHERE provider = ? AND user_id = ?`, provider, userID).Scan(&n)
	return n > 0, err
}

// UserByIdentity finds the owner linked to a federated identity.
func (s *Store) UserByIdentity(ctx context.Context, provider, subject string) (user.User, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT user_id FROM user_identities WHERE provider = ? AND subject = ?`, provider, subject).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return user.User{}, user.ErrUserNotFound
	}
	if err != nil {
		return user.User{}, err
	}
	return s.UserByID(ctx, id)
}
