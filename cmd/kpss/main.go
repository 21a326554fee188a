// Command kpss runs the platform for community planning of social services:
// the web application, its migrations and its administration commands.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"kpss/internal/contact"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/config"
	"kpss/internal/demo"
	"kpss/internal/mail"
	"kpss/internal/server"
	"kpss/internal/store"
)

const usage = `kpss – komunitní plánování sociálních služeb / community planning of social services

Použití / usage:
  kpss serve   [-addr 127.0.0.1:8080] [-db DSN] [-demo] [-role all|web|worker]   spustí webovou aplikaci / runs the web application
  kpss migrate -db DSN                                    provede migrace databáze / migrates the database
  kpss user add -db DSN -name NAME -role ROLE [-full-name "…"] [-email …] [-org ID] [-dept ID]
                                                          založí účet, heslo čte ze vstupu / creates an account, password from stdin
  kpss token create -db DSN -user NAME [-label "…"]       vypíše nový API token / prints a new API token

DSN: sqlite:PATH (výchozí / default sqlite:kpss.db) nebo / or postgres://user@host/db
Proměnné / environment: KPSS_ADDR, KPSS_DB, KPSS_DEMO_PASSWORD, KPSS_SESSION_IDLE, KPSS_SECURE_COOKIES
Role: admin, coordinator, steering, member, provider, officer, evaluator
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "kpss:", err)
		// A command may say how it failed (bad input is 2).
		var coded interface{ ExitCode() int }
		if errors.As(err, &coded) {
			os.Exit(coded.ExitCode())
		}
		os.Exit(1)
	}
}

// Command is a subcommand of kpss. Modules add theirs from init functions in
// cmd_<module>.go files (e.g. "import suggestions", "retention").
type Command struct {
	Usage string // one line for the help text
	Run   func(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error
}

// commands are keyed by their words: "serve", "user add", "import registry" …
var commands = map[string]Command{
	"serve": {"kpss serve [-addr 127.0.0.1:8080] [-db DSN] [-demo] [-role all|web|worker]", func(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
		return serve(ctx, cfg, log, args, stdout)
	}},
	"migrate": {"kpss migrate -db DSN", func(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
		return migrate(ctx, cfg, args, stdout)
	}},
	"user add": {"kpss user add -db DSN -name NAME -role ROLE", func(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
		return userAdd(ctx, cfg, args, stdin, stdout)
	}},
	"token create": {"kpss token create -db DSN -user NAME", func(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
		return tokenCreate(ctx, cfg, args, stdout)
	}},
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("chybí příkaz / no command given")
	}
	cfg := config.FromEnv()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		for _, k := range moduleCommands() {
			fmt.Fprintln(stdout, "  "+commands[k].Usage)
		}
		return nil
	}
	if len(args) > 1 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			return c.Run(ctx, cfg, log, args[2:], stdin, stdout)
		}
	}
	if c, ok := commands[args[0]]; ok {
		return c.Run(ctx, cfg, log, args[1:], stdin, stdout)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("neznámý příkaz / unknown command %q", strings.Join(args, " "))
}

// moduleCommands lists the commands modules added, sorted.
func moduleCommands() []string {
	var out []string
	for k := range commands {
		switch k {
		case "serve", "migrate", "user add", "token create":
		default:
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func migrate(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrace hotové, nově provedeno: %d / migrations done, applied now: %d\n", n, n)
	return nil
}

func openDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	fs.BoolVar(&cfg.Demo, "demo", false, "load the demo region into an empty database")
	fs.StringVar(&cfg.Role, "role", cfg.Role, "all | web | worker (KPSS_ROLE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := config.CheckRole(cfg.Role); err != nil {
		return err
	}
	if cfg.BaseURL == "" {
		// Links in e-mails need an absolute address; without KPSS_BASE_URL
		// the listen address is the best guess (right for a local demo).
		cfg.BaseURL = defaultBaseURL(cfg.Addr)
		log.Warn("KPSS_BASE_URL is not set; links in e-mails use the listen address", "base_url", cfg.BaseURL)
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	srv, err := server.New(server.Deps{DB: db, Log: log, IdleTimeout: cfg.IdleTimeout, SecureCookies: cfg.SecureCookies,
		Mail: mailer(cfg, log), BaseURL: cfg.BaseURL, Assets: cfg.Assets, MapTiles: cfg.MapTiles, MapAttribution: cfg.MapAttribution})
	if err != nil {
		return err
	}
	if cfg.Demo {
		env := srv.Env()
		res, err := demo.Load(ctx, demo.Deps{DB: db, Auth: srv.Auth(), Partners: env.Partners, Now: env.Now, Audit: env.Audit}, cfg.DemoPassword)
		if err != nil {
			return err
		}
		if h, ok := env.Modules["public"].(*contact.Handler); ok {
			h.Svc.Refresh(ctx) // the demo set the public contact after the server read it
		}
		printDemo(stdout, res, cfg.DemoPassword != "")
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv.SetMetricsToken(cfg.MetricsToken)
	hs := srv.HTTPServer(cfg.Addr)
	if cfg.Role == config.RoleWorker {
		hs.Handler = srv.OpsHandler()
	}
	fmt.Fprintf(stdout, "kpss běží na / is running at http://%s/\n", ln.Addr())
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.Role != config.RoleWeb {
		// Jobs and the outbox worker; with several replicas each job runs
		// on one of them at a time (job_runs leases).
		go srv.Scheduler().Run(ctx)
	}
	fmt.Fprintf(stdout, "role: %s\n", cfg.Role)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
		log.Info("kpss: shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return hs.Shutdown(sctx)
	}
}

func printDemo(w io.Writer, res demo.Result, fromEnv bool) {
	if !res.Loaded {
		fmt.Fprintln(w, "Demo region už v databázi je; nic se nemění. / The demo region is already loaded; nothing changed.")
		if !fromEnv {
			fmt.Fprintln(w, "Heslo demo účtů bylo vypsáno při prvním spuštění. / The demo password was printed at the first start.")
		}
	} else {
		fmt.Fprintln(w, "Nahrán demo region ORP Otrokovice. / Loaded the demo region ORP Otrokovice.")
	}
	fmt.Fprintln(w, "Demo účty / demo logins:")
	for _, a := range res.Accounts {
		fmt.Fprintf(w, "  %-13s %-12s %s\n", a.Login, a.Role, a.Note)
	}
	if res.Loaded {
		fmt.Fprintf(w, "Heslo všech demo účtů / password of all demo logins: %s\n", res.Password)
	} else if fromEnv {
		fmt.Fprintln(w, "Heslo: hodnota KPSS_DEMO_PASSWORD / password: the value of KPSS_DEMO_PASSWORD")
	}
}

func userAdd(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	name := fs.String("name", "", "login")
	role := fs.String("role", "", "role")
	fullName := fs.String("full-name", "", "full name")
	email := fs.String("email", "", "e-mail")
	org := fs.Int64("org", 0, "organisation id (provider)")
	dept := fs.Int64("dept", 0, "department id (officer)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pw, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	pw = strings.TrimRight(pw, "\r\n")
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := auth.NewService(db, audit.New(), time.Now)
	in := auth.UserInput{Login: *name, FullName: *fullName, Email: *email, Role: auth.Role(*role), Active: true}
	if *org != 0 {
		in.OrganisationID = org
	}
	if *dept != 0 {
		in.DepartmentID = dept
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "cli"})
	u, err := svc.CreateUser(ctx, in, pw, false)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "účet %s (%s) založen / account created, id %d\n", u.Login, u.Role, u.ID)
	return nil
}

func tokenCreate(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	name := fs.String("user", "", "login of the account")
	label := fs.String("label", "cli", "what the token is for")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := auth.NewService(db, audit.New(), time.Now)
	u, err := svc.FindUserByLogin(ctx, *name)
	if err != nil {
		return fmt.Errorf("účet %q neexistuje / no such account", *name)
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "cli"})
	token, err := svc.CreateToken(ctx, u.ID, *label)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}

// mailer sends through SMTP when KPSS_SMTP_HOST is set, else logs the e-mails.
func mailer(cfg config.Config, log *slog.Logger) mail.Sender {
	if cfg.SMTPHost == "" {
		return &mail.LogSender{Logger: log}
	}
	return mail.NewSMTP(mail.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUser,
		Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS})
}

// defaultBaseURL turns a listen address into a URL: ":8080" and
// "0.0.0.0:8080" become http://localhost:8080.
func defaultBaseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
