package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"kpss/internal/ratelimit"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/store"
)

// Service manages accounts, sessions and tokens.
type Service struct {
	DB       *store.DB
	Audit    *audit.Log
	Now      func() time.Time
	Throttle *Throttle
	// Limits, when set, counts failed sign-ins in the database (across
	// replicas); Throttle is then the fallback.
	Limits      *ratelimit.Limiter
	Argon       Argon2Params
	IdleTimeout time.Duration // a session unused this long ends
	MaxAge      time.Duration // a session ends this long after sign-in anyway
}

// NewService returns a Service with the defaults: 30 minutes idle, 12 hours at most.
func NewService(db *store.DB, log *audit.Log, now func() time.Time) *Service {
	return &Service{DB: db, Audit: log, Now: now, Throttle: NewThrottle(now), Argon: DefaultArgon2,
		IdleTimeout: 30 * time.Minute, MaxAge: 12 * time.Hour}
}

const userCols = `id, login, full_name, email, role, organisation_id, department_id, person_id, active, lang, created_at, updated_at, last_login_at, password_hash`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Login, &u.FullName, &u.Email, &u.Role, &u.OrganisationID, &u.DepartmentID, &u.PersonID,
		&u.Active, &u.Lang, &u.CreatedAt, &u.UpdatedAt, &u.LastLoginAt, &u.passwordHash)
	if err != nil {
		return nil, store.AppError(store.MapError(err), "user")
	}
	return &u, nil
}

// FindUserByID returns the account id or a not-found error.
func (s *Service) FindUserByID(ctx context.Context, id int64) (*User, error) {
	return scanUser(s.DB.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

// FindUserByLogin returns the account with login (case-insensitive) or a not-found error.
func (s *Service) FindUserByLogin(ctx context.Context, login string) (*User, error) {
	return scanUser(s.DB.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE login = ?`, strings.ToLower(strings.TrimSpace(login))))
}

// UserFilter selects accounts.
type UserFilter struct {
	Role Role
	Q    string
	store.Paging
}

// FindUsers lists accounts by login.
func (s *Service) FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error) {
	where, args := "1=1", []any{}
	if f.Role != "" {
		where += " AND role = ?"
		args = append(args, f.Role)
	}
	if q := strings.ToLower(strings.TrimSpace(f.Q)); q != "" {
		where += ` AND (login LIKE ? OR LOWER(full_name) LIKE ? OR LOWER(email) LIKE ?)`
		p := "%" + q + "%"
		args = append(args, p, p, p)
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+userCols+` FROM users WHERE `+where+` ORDER BY login LIMIT ? OFFSET ?`,
		append(args, f.Limit(), f.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// UserInput is what an admin sets on an account.
type UserInput struct {
	Login          string
	FullName       string
	Email          string
	Role           Role
	OrganisationID *int64
	DepartmentID   *int64
	PersonID       *int64
	Active         bool
}

var loginRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

// Validate checks the input and normalises the login.
func (in *UserInput) Validate() error {
	f := apperr.Fields{}
	in.Login = strings.ToLower(strings.TrimSpace(in.Login))
	in.FullName = strings.TrimSpace(in.FullName)
	in.Email = strings.TrimSpace(in.Email)
	if in.Login == "" {
		f.Add("login", "err.required")
	} else if !loginRe.MatchString(in.Login) {
		f.Add("login", "err.login_format")
	}
	if in.Email != "" {
		if _, err := mail.ParseAddress(in.Email); err != nil || !strings.Contains(in.Email, "@") {
			f.Add("email", "err.email")
		}
	}
	if !in.Role.Valid() {
		f.Add("role", "err.required")
	}
	if in.Role == RoleProvider && in.OrganisationID == nil {
		f.Add("organisation_id", "err.provider_needs_org")
	}
	if in.Role == RoleOfficer && in.DepartmentID == nil {
		f.Add("department_id", "err.officer_needs_dept")
	}
	if in.Role != RoleProvider {
		in.OrganisationID = nil
	}
	if in.Role != RoleOfficer {
		in.DepartmentID = nil
	}
	return f.Err()
}

// ValidatePassword checks a new password against the policy.
func ValidatePassword(pw, login string) error {
	f := apperr.Fields{}
	switch {
	case len([]rune(pw)) < 10:
		f.Add("password", "err.password_short", "Min", 10)
	case len(pw) > 256:
		f.Add("password", "err.too_long", "Max", 256)
	case strings.EqualFold(pw, login):
		f.Add("password", "err.password_is_login")
	}
	return f.Err()
}

// CreateUser creates an account with password (checked against the policy
// unless skipPolicy, for demo accounts with a chosen password).
func (s *Service) CreateUser(ctx context.Context, in UserInput, password string, skipPolicy bool) (*User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if !skipPolicy {
		if err := ValidatePassword(password, in.Login); err != nil {
			return nil, err
		}
	}
	hash, err := HashPassword(password, s.Argon)
	if err != nil {
		return nil, err
	}
	var u *User
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		now := s.Now().UTC()
		id, err := store.InsertID(ctx, tx, `INSERT INTO users (login, full_name, email, role, organisation_id, department_id, person_id, password_hash, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Login, in.FullName, in.Email, in.Role, in.OrganisationID, in.DepartmentID, in.PersonID, hash, in.Active, now, now)
		if errors.Is(err, store.ErrDuplicate) {
			f := apperr.Fields{}
			f.Add("login", "err.login_taken")
			return f.Err()
		}
		if err != nil {
			return store.AppError(err, "user")
		}
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "user", EntityID: id, Summary: u.Login, After: u, Personal: PersonalFields})
	})
	return u, err
}

// UpdateUser changes an account; a deactivated account loses its sessions.
func (s *Service) UpdateUser(ctx context.Context, id int64, in UserInput) (*User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var u *User
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE users SET login = ?, full_name = ?, email = ?, role = ?, organisation_id = ?, department_id = ?, person_id = ?, active = ?, updated_at = ? WHERE id = ?`,
			in.Login, in.FullName, in.Email, in.Role, in.OrganisationID, in.DepartmentID, in.PersonID, in.Active, s.Now().UTC(), id)
		if errors.Is(err, store.ErrDuplicate) {
			f := apperr.Fields{}
			f.Add("login", "err.login_taken")
			return f.Err()
		}
		if err != nil {
			return err
		}
		if !in.Active || in.Role != before.Role {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "user", EntityID: id, Summary: u.Login, Before: before, After: u, Personal: PersonalFields})
	})
	return u, err
}

// SetPassword sets a new password (admin reset, or the user's change after
// checking the old one) and ends the account's other sessions.
func (s *Service) SetPassword(ctx context.Context, id int64, password string, keepSessionHash string) error {
	u, err := s.FindUserByID(ctx, id)
	if err != nil {
		return err
	}
	if err := ValidatePassword(password, u.Login); err != nil {
		return err
	}
	hash, err := HashPassword(password, s.Argon)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, s.Now().UTC(), id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, id, keepSessionHash); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "password", Entity: "user", EntityID: id, Summary: u.Login})
	})
}

// ChangePassword is the user's own change: the old password must match.
func (s *Service) ChangePassword(ctx context.Context, u *User, old, new, sessionToken string) error {
	cur, err := s.FindUserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	if ok, _ := CheckPassword(old, cur.passwordHash); !ok {
		f := apperr.Fields{}
		f.Add("old_password", "err.old_password")
		return f.Err()
	}
	return s.SetPassword(ctx, u.ID, new, hashToken(sessionToken))
}

// dummyHash makes a sign-in with an unknown login cost as much as a real one.
var dummyHash, _ = HashPassword("kpss-dummy-password", DefaultArgon2)

// SignIn checks the login and password and starts a session. It returns the
// session token for the cookie. The 6th failure for one login within a minute
// is refused with TooMany (and a Retry in seconds).
func (s *Service) SignIn(ctx context.Context, login, password, ip, userAgent string) (string, *User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if blocked, wait := s.throttled(ctx, login); blocked {
		return "", nil, &apperr.Error{Code: apperr.TooMany, Msg: apperr.Msg{Key: "err.signin_throttled"}, Retry: int(wait.Seconds() + 0.999)}
	}
	u, err := s.FindUserByLogin(ctx, login)
	hash := dummyHash
	if err == nil {
		hash = u.passwordHash
	} else if apperr.CodeOf(err) != apperr.NotFound {
		return "", nil, err
	}
	ok, _ := CheckPassword(password, hash)
	if u == nil || !ok || !u.Active {
		s.failed(ctx, login)
		return "", nil, apperr.New(apperr.Unauthorized, "err.signin")
	}
	s.succeeded(ctx, login)
	token := newToken()
	now := s.Now().UTC()
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)`,
			hashToken(token), u.ID, now, now, ip, userAgent); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, now, u.ID); err != nil {
			return err
		}
		actx := audit.WithActor(ctx, audit.Actor{ID: u.ID, Name: u.Login, IP: ip})
		return s.Audit.Record(actx, tx, audit.Entry{Action: "sign-in", Entity: "user", EntityID: u.ID, Summary: u.Login})
	})
	if err != nil {
		return "", nil, err
	}
	return token, u, nil
}

// SessionUser returns the user of a session token, ending sessions that were
// idle too long or are too old.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, apperr.New(apperr.Unauthorized, "err.signin_required")
	}
	h := hashToken(token)
	// One query for the session and its account: this runs on every page.
	var created, lastSeen time.Time
	u, err := scanUser(sessionRow{s.DB.QueryRow(ctx, `SELECT `+prefixed("u.", userCols)+`, s.created_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, h), &created, &lastSeen})
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, apperr.New(apperr.Unauthorized, "err.session_expired")
		}
		return nil, err
	}
	now := s.Now().UTC()
	if now.Sub(lastSeen) > s.IdleTimeout || now.Sub(created) > s.MaxAge {
		s.DB.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, h)
		return nil, apperr.New(apperr.Unauthorized, "err.session_expired")
	}
	if !u.Active {
		return nil, apperr.New(apperr.Unauthorized, "err.session_expired")
	}
	// Touch at most once a minute: fewer writes, idle time still accurate enough.
	if now.Sub(lastSeen) > time.Minute {
		if _, err := s.DB.Exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`, now, h); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// SignOut ends the session of token.
func (s *Service) SignOut(ctx context.Context, token string) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hashToken(token))
	return err
}

// CreateToken creates an API token for the user and returns it; only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string) (string, error) {
	u, err := s.FindUserByID(ctx, userID)
	if err != nil {
		return "", err
	}
	token := "kpss_" + newToken()
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		id, err := store.InsertID(ctx, tx, `INSERT INTO api_tokens (user_id, token_hash, name, created_at) VALUES (?, ?, ?, ?)`,
			userID, hashToken(token), name, s.Now().UTC())
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "api_token", EntityID: id, Summary: u.Login + " " + name})
	})
	return token, err
}

// TokenUser returns the active user of an API token.
func (s *Service) TokenUser(ctx context.Context, token string) (*User, error) {
	u, err := scanUser(s.DB.QueryRow(ctx, `SELECT `+prefixed("u.", userCols)+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL`, hashToken(token)))
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, apperr.New(apperr.Unauthorized, "err.bad_token")
		}
		return nil, err
	}
	if !u.Active {
		return nil, apperr.New(apperr.Unauthorized, "err.bad_token")
	}
	return u, nil
}

// SessionHash returns the stored hash of a session token.
func SessionHash(token string) string { return hashToken(token) }

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system has no randomness: nothing is safe to do
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// sessionRow scans a user row followed by the session's two times.
type sessionRow struct {
	row               *sql.Row
	created, lastSeen *time.Time
}

func (r sessionRow) Scan(dest ...any) error {
	return r.row.Scan(append(dest, r.created, r.lastSeen)...)
}

// prefixed qualifies each column of a comma-separated list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
