package server

import (
	"context"
	"time"

	"kpss/internal/audit"
)

// OutboxRetention is how long delivered e-mails are kept (they hold names
// and addresses): long enough to answer "did my invitation go out?".
const OutboxRetention = 90 * 24 * time.Hour

// addPlatformJobs schedules the platform's own work: the outbox worker
// (every replica runs one; claims keep each message to one sender), and the
// retention of delivered mail and of old rate-limit windows.
func (s *Server) addPlatformJobs() {
	ob, lim := s.env.Outbox, s.env.Limits
	s.env.AddJob(Job{Name: "outbox", Worker: true, Run: func(ctx context.Context) error { return ob.Run(ctx, 5*time.Second) }})
	s.env.AddJob(Job{Name: "outbox-retention", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
		_, err := ob.Purge(audit.WithActor(ctx, audit.Actor{Name: "retention"}), s.now().Add(-OutboxRetention))
		return err
	}})
	s.env.AddJob(Job{Name: "rate-limit-purge", Every: time.Hour, Run: func(ctx context.Context) error {
		_, err := lim.Purge(ctx, s.now().Add(-48*time.Hour))
		return err
	}})
}
