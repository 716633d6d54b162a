package csat_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	csat "github.com/csat/csat/clients/go"
	csatv1 "github.com/csat/csat/clients/go/gen/csat/v1"
)

// Keys of the server startKeyedServer starts: one with every scope, one that may only read
// surveys, one that may read surveys once a second.
const (
	adminKey   = "csat-go-test-admin-key"
	readerKey  = "csat-go-test-reader-key"
	limitedKey = "csat-go-test-limited-key"
)

// startKeyedServer starts a second csat server, one that asks every call for a key, and
// returns its address; it is stopped when the test ends.
func startKeyedServer(t *testing.T) string {
	t.Helper()
	hash := func(key string) string {
		sum := sha256.Sum256([]byte(key))
		return hex.EncodeToString(sum[:])
	}
	keysFile := filepath.Join(t.TempDir(), "keys.yaml")
	text := fmt.Sprintf("keys:\n"+
		"  - {name: admin, sha256: %s, scopes: [admin]}\n"+
		"  - {name: reader, sha256: %s, scopes: [surveys:read]}\n"+
		"  - {name: limited, sha256: %s, scopes: [surveys:read], requests_per_second: 1}\n",
		hash(adminKey), hash(readerKey), hash(limitedKey))
	if err := os.WriteFile(keysFile, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	server, err := startServer(os.Getenv("CSAT_BIN"), "--api-keys-file", keysFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := server.stop(); err != nil {
			t.Error(err)
		}
	})
	return server.address
}

func dialWith(t *testing.T, address string, opts ...csat.Option) *csat.Client {
	t.Helper()
	client, err := csat.Dial(address, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

func TestKeysAndScopes(t *testing.T) {
	address := startKeyedServer(t)
	ctx := testContext(t)
	admin := dialWith(t, address, csat.WithToken(adminKey))

	t.Run("a call with the key works", func(t *testing.T) {
		survey := createSurvey(ctx, t, admin, "keyed", "support_chat")
		if survey.GetSurveyId() != "keyed" {
			t.Fatalf("created %q", survey.GetSurveyId())
		}
	})

	t.Run("without a key the call is UNAUTHENTICATED, API_KEY_INVALID", func(t *testing.T) {
		anonymous := dialWith(t, address)
		_, err := anonymous.Surveys.GetSurvey(ctx, &csatv1.GetSurveyRequest{SurveyId: "keyed"})
		if status.Code(err) != codes.Unauthenticated || csat.ErrorReason(err) != csat.ReasonAPIKeyInvalid {
			t.Fatalf("got %v (reason %q)", err, csat.ErrorReason(err))
		}
	})

	t.Run("a key without the scope is PERMISSION_DENIED, SCOPE_MISSING with the scope", func(t *testing.T) {
		reader := dialWith(t, address, csat.WithToken(readerKey))
		_, err := reader.Ratings.SubmitRating(ctx, &csatv1.SubmitRatingRequest{Rating: &csatv1.Rating{
			SurveyId: "keyed", RatingId: "r-denied", Score: 5,
		}})
		info := csat.ErrorInfo(err)
		if status.Code(err) != codes.PermissionDenied || info.GetReason() != csat.ReasonScopeMissing {
			t.Fatalf("got %v", err)
		}
		if scope := info.GetMetadata()["scope"]; scope != "ratings:write" {
			t.Fatalf("scope %q, want ratings:write", scope)
		}
	})

	t.Run("a followed stream with the key receives a rating", func(t *testing.T) {
		stream, err := admin.Ratings.StreamRatings(ctx, &csatv1.StreamRatingsRequest{
			Filter: &csatv1.RatingFilter{SurveyIds: []string{"keyed"}}, Follow: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		submitAll(ctx, t, admin, "keyed", "streamed", []int32{4}, []string{"ana"})
		received, err := stream.Recv()
		if err != nil {
			t.Fatalf("Recv: %v", err)
		}
		if received.GetRating().GetRatingId() != "streamed-0" || received.GetRating().GetScore() != 4 {
			t.Fatalf("received %v", received.GetRating())
		}
	})

	t.Run("a key over its rate is RESOURCE_EXHAUSTED, RATE_LIMITED with a delay", func(t *testing.T) {
		limited := dialWith(t, address, csat.WithToken(limitedKey))
		var err error
		for attempt := 0; attempt < 5 && err == nil; attempt++ {
			_, err = limited.Surveys.ListSurveys(ctx, &csatv1.ListSurveysRequest{})
		}
		if status.Code(err) != codes.ResourceExhausted || csat.ErrorReason(err) != csat.ReasonRateLimited {
			t.Fatalf("got %v", err)
		}
		delay, ok := csat.RetryDelay(err)
		if !ok || delay <= 0 || delay > time.Second {
			t.Fatalf("retry delay %v (%v)", delay, ok)
		}
	})
}
