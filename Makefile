# AutoEvent — run `make help` for the targets.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/autoevent/autoevent/internal/app.Version=$(VERSION)
GO_TEST_FLAGS ?= -count=1 -timeout 30m

.PHONY: help run build test test-short lint bench loadtest docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: ## run every service in one process (embedded mode, ./data)
	go run ./cmd/autoevent serve

build: ## build bin/autoevent
	CGO_ENABLED=0 go build -ldflags '$(LDFLAGS)' -o bin/autoevent ./cmd/autoevent

test: ## run all tests (PostgreSQL/Redis/NATS ones when AUTOEVENT_TEST_*_URL are set)
	go test $(GO_TEST_FLAGS) ./...

test-short: ## quick tests only
	go test -short -count=1 ./...

lint: ## gofmt + go vet
	@test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)
	go vet ./...

docs: ## regenerate the route table of docs/api.md from the served OpenAPI document
	go test ./internal/e2e -run '^TestAPIDocIsCurrent$$' -count=1 -update-docs

bench: ## micro-benchmarks
	go test -run '^$$' -bench . -benchmem ./...

clean: ## remove build output and local data
	rm -rf bin data screenshots
