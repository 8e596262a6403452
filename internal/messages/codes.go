package messages

// Error codes more than one service answers with, for the same meaning. A
// code answered by one service only is declared with its error in that
// service; TestErrorCodesUnique (internal/boundary) keeps every code literal
// declared once in the product.
const (
	// CodeEventNotFound: the event does not exist or belongs to another
	// owner (the event service, and the participation service's copy).
	CodeEventNotFound = "event_not_found"
)
