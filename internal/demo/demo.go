// Package demo loads the demo region (ORP Otrokovice, from the seed documents)
// into an empty database, through the modules' services, so that every demo
// row has its audit trail like real data. Each module adds its part in a file
// of its own here.
package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// Deps are the services the loader writes through.
type Deps struct {
	DB       *store.DB
	Auth     *auth.Service
	Partners *partner.Service
	Now      func() time.Time
	Audit    *audit.Log // for the modules' services; a new one when nil
}

type loader struct {
	order int
	name  string
	load  func(ctx context.Context, d Deps, ids *IDs) error
}

var loaders []loader

// Register adds a module's demo data, loaded after the partners and accounts
// in order; call it from an init function in this package's <module>.go.
func Register(order int, name string, load func(ctx context.Context, d Deps, ids *IDs) error) {
	loaders = append(loaders, loader{order, name, load})
	sort.SliceStable(loaders, func(i, j int) bool { return loaders[i].order < loaders[j].order })
}

// Account is a demo login.
type Account struct {
	Login, Role, Note string
}

// Result says what Load did.
type Result struct {
	Loaded   bool      // false: the database already had a region
	Accounts []Account // the demo logins
	Password string    // their password (also when it was random)
}

// Load fills an empty database with the demo region; on a database that
// already has a region it does nothing. password "" means a random one.
func Load(ctx context.Context, d Deps, password string) (Result, error) {
	if _, err := d.Partners.Region(ctx); err == nil {
		return Result{Accounts: accounts}, nil
	} else if apperr.CodeOf(err) != apperr.NotFound {
		return Result{}, err
	}
	if password == "" {
		password = auth.RandomPassword()
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "demo"})
	ids, err := loadPartners(ctx, d)
	if err != nil {
		return Result{}, fmt.Errorf("demo: partners: %w", err)
	}
	if err := loadAccounts(ctx, d, &ids, password); err != nil {
		return Result{}, fmt.Errorf("demo: accounts: %w", err)
	}
	if d.Audit == nil {
		d.Audit = &audit.Log{Now: d.Now}
	}
	for _, l := range loaders {
		if err := l.load(ctx, d, &ids); err != nil {
			return Result{}, fmt.Errorf("demo: %s: %w", l.name, err)
		}
	}
	return Result{Loaded: true, Accounts: accounts, Password: password}, nil
}

var accounts = []Account{
	{"admin", "admin", "správce systému"},
	{"koordinator", "coordinator", "koordinátorka KPSS na MěÚ Otrokovice"},
	{"clen", "member", "člen PS Senioři"},
	{"poskytovatel", "provider", "zástupkyně Charity sv. Anežky Otrokovice"},
	{"odbor", "officer", "pracovník odboru sociálních věcí"},
	{"hodnotitel", "evaluator", "hodnotitel dotačních žádostí"},
	{"ridici", "steering", "členka řídící skupiny"},
}

// IDs are the demo rows other modules' demo data refer to.
type IDs struct {
	Municipalities map[string]int64
	Organisations  map[string]int64
	Departments    map[string]int64
	TargetGroups   map[string]int64 // by code
	People         map[string]int64
	Users          map[string]int64 // demo accounts by login
	// Extra holds what module loaders share with the ones after them.
	Extra map[string]any
}

func loadAccounts(ctx context.Context, d Deps, ids *IDs, password string) error {
	ids.Users = map[string]int64{}
	ids.Extra = map[string]any{}
	charita := ids.Organisations["Charita sv. Anežky Otrokovice"]
	social := ids.Departments["Odbor sociálních věcí"]
	full := map[string]string{
		"admin": "Správce systému", "koordinator": "Mgr. Jana Dvořáková", "clen": "Josef Kratochvíl",
		"poskytovatel": "Bc. Lenka Horáková", "odbor": "Ing. Petr Šťastný", "hodnotitel": "PhDr. Marie Novotná", "ridici": "Ing. Alena Machalová",
	}
	for _, a := range accounts {
		in := auth.UserInput{Login: a.Login, FullName: full[a.Login], Email: a.Login + "@kpss.example", Role: auth.Role(a.Role), Active: true}
		if in.Role == auth.RoleProvider {
			in.OrganisationID = &charita
		}
		if in.Role == auth.RoleOfficer {
			in.DepartmentID = &social
		}
		u, err := d.Auth.CreateUser(ctx, in, password, true)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Login, err)
		}
		ids.Users[a.Login] = u.ID
	}
	return nil
}
