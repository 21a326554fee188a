package workshop

import (
	"context"

	"kpss/internal/store"
)

// Kinds of the module's e-mails.
const (
	MailConfirmed   = "confirmed"   // the place is yours (with the .ics and the cancel link)
	MailWaitlisted  = "waitlisted"  // you are on the waiting list
	MailOffer       = "offer"       // a place freed up: accept it by …
	MailCancelled   = "cancelled"   // the workshop is cancelled
	MailReminder    = "reminder"    // the workshop is tomorrow
	MailCertificate = "certificate" // your certificate and the feedback form
)

// Notifier queues an e-mail of kind about registration r of workshop w in
// the transaction q of the change that causes it; it is delivered after the
// commit. A registration without an e-mail address is skipped.
type Notifier interface {
	Notify(ctx context.Context, q store.Q, kind string, w *Workshop, r *Registration) error
}
