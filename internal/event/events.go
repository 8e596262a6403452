package event

// ConsumerName is the event service's idempotent bus consumer. The messages
// it publishes and consumes are declared in internal/messages.
const ConsumerName = "event-service"
