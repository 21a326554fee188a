// Package jobs runs the scheduled work of the modules (reminders, digests,
// retention) so that with several replicas each run happens once: a
// replica takes a job's lease in job_runs before running it, and the
// others skip the job until the next run is due.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"kpss/internal/store"
)

// A Job is work run every Every. Run must be safe to run again after a
// crash in the middle (idempotent). A Worker job (the outbox worker) runs
// for as long as its context and on every replica: it coordinates itself.
type Job struct {
	Name   string
	Every  time.Duration
	Run    func(ctx context.Context) error
	Worker bool
}

// Lease is how long a replica holds a job it runs; a replica that died in
// the middle gives it up when the lease ends.
const Lease = 30 * time.Minute

// Scheduler runs jobs.
type Scheduler struct {
	DB     *store.DB
	Log    *slog.Logger
	Now    func() time.Time
	Holder string // names this replica in job_runs
	Jobs   []Job
	// Tick is how often due jobs are looked for (default a minute).
	Tick time.Duration
}

// New returns a scheduler for jobs.
func New(db *store.DB, log *slog.Logger, now func() time.Time, jobs []Job) *Scheduler {
	host, _ := os.Hostname()
	if now == nil {
		now = time.Now
	}
	return &Scheduler{DB: db, Log: log, Now: now, Holder: fmt.Sprintf("%s:%d", host, os.Getpid()), Jobs: jobs}
}

// Claim takes the lease of job name when its run is due and nobody holds
// it, in one conditional statement (two replicas never both win).
func (s *Scheduler) Claim(ctx context.Context, j Job) (bool, error) {
	now := s.Now().UTC()
	if _, err := s.DB.Exec(ctx, `INSERT INTO job_runs (name, next_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, j.Name, now); err != nil {
		return false, err
	}
	r, err := s.DB.Exec(ctx, `UPDATE job_runs SET lease_until = ?, holder = ?, last_start = ?
		WHERE name = ? AND next_at <= ? AND (lease_until IS NULL OR lease_until < ?)`,
		now.Add(Lease), s.Holder, now, j.Name, now, now)
	if err != nil {
		return false, err
	}
	n, _ := r.RowsAffected()
	return n == 1, nil
}

// finish records the end of a run and when the next one is due.
func (s *Scheduler) finish(ctx context.Context, j Job, runErr error) error {
	now := s.Now().UTC()
	msg, fail := "", 0
	if runErr != nil {
		msg, fail = runErr.Error(), 1
		if len(msg) > 500 {
			msg = msg[:500]
		}
	}
	_, err := s.DB.Exec(ctx, `UPDATE job_runs SET lease_until = NULL, holder = '', last_end = ?, next_at = ?, last_error = ?, runs = runs + 1, failures = failures + ? WHERE name = ? AND holder = ?`,
		now, now.Add(j.Every), msg, fail, j.Name, s.Holder)
	return err
}

// RunDue runs every scheduled (non-worker) job that is due and that this
// replica could claim, one after another; it returns how many ran.
func (s *Scheduler) RunDue(ctx context.Context) (int, error) {
	ran := 0
	var errs []error
	for _, j := range s.Jobs {
		if j.Worker {
			continue
		}
		ok, err := s.Claim(ctx, j)
		if err != nil {
			errs = append(errs, fmt.Errorf("jobs: claim %s: %w", j.Name, err))
			continue
		}
		if !ok {
			continue
		}
		ran++
		start := time.Now()
		runErr := safeRun(ctx, j)
		if runErr != nil {
			s.Log.Error("job failed", "job", j.Name, "err", runErr)
		} else {
			s.Log.Debug("job done", "job", j.Name, "took", time.Since(start))
		}
		if err := s.finish(context.WithoutCancel(ctx), j, runErr); err != nil {
			errs = append(errs, err)
		}
	}
	return ran, errors.Join(errs...)
}

// safeRun runs j, turning a panic into an error (one bad job does not stop
// the others).
func safeRun(ctx context.Context, j Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return j.Run(ctx)
}

// Run starts the worker jobs and runs the scheduled ones when due, until
// ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range s.Jobs {
		if !j.Worker {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if err := safeRun(ctx, j); err != nil && ctx.Err() == nil {
					s.Log.Error("worker stopped, restarting", "job", j.Name, "err", err)
				}
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}()
	}
	tick := s.Tick
	if tick <= 0 {
		tick = time.Minute
	}
	for {
		if _, err := s.RunDue(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-time.After(tick):
		}
	}
}

// Status is a job as the operations page shows it.
type Status struct {
	Name               string
	NextAt             time.Time
	LastStart, LastEnd *time.Time
	LastError, Holder  string
	Runs, Failures     int
	Running            bool
}

// Statuses returns the recorded state of every job that has run.
func (s *Scheduler) Statuses(ctx context.Context) ([]Status, error) {
	rows, err := s.DB.Query(ctx, `SELECT name, next_at, last_start, last_end, last_error, holder, runs, failures, lease_until FROM job_runs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Status
	now := s.Now().UTC()
	for rows.Next() {
		var st Status
		var lease *time.Time
		if err := rows.Scan(&st.Name, &st.NextAt, &st.LastStart, &st.LastEnd, &st.LastError, &st.Holder, &st.Runs, &st.Failures, &lease); err != nil {
			return nil, err
		}
		st.Running = lease != nil && lease.After(now)
		out = append(out, st)
	}
	return out, rows.Err()
}
