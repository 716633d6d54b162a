package csat_test

import (
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	csat "github.com/csat/csat/clients/go"
	csatv1 "github.com/csat/csat/clients/go/gen/csat/v1"
)

// The loop README.md's "Act on feedback" shows, through Client's Invitations, Customers and
// FollowUps: an invitation, a low rating that opens a follow-up, the customer at risk, the
// follow-up overdue and resolved, and a stale etag refused.
func TestActOnFeedback(t *testing.T) {
	ctx, client := testContext(t), dial(t)

	_, err := client.Surveys.CreateSurvey(ctx, &csatv1.CreateSurveyRequest{
		SurveyId: "go-loop",
		Survey: &csatv1.Survey{
			DisplayName: "Go checkout",
			Question:    "How satisfied are you with your order?",
			Touchpoint:  "go_checkout",
			Metric:      csatv1.Metric_METRIC_CSAT,
			// Due at once, so that the follow-up is overdue within the test.
			FollowUp: &csatv1.FollowUpRule{MaxScore: 2, DueWithin: durationpb.New(time.Second)},
		},
	})
	if err != nil {
		t.Fatalf("CreateSurvey: %v", err)
	}

	invited, err := client.Invitations.CreateInvitation(ctx, &csatv1.CreateInvitationRequest{
		Invitation: &csatv1.Invitation{
			InvitationId: "go-order-7", SurveyId: "go-loop", CustomerId: "go-cust-1",
			Channel: csatv1.Channel_CHANNEL_EMAIL,
		},
	})
	if err != nil {
		t.Fatalf("CreateInvitation: %v", err)
	}
	if invited.GetSuppressed() || invited.GetInvitation().GetTouchpoint() != "go_checkout" {
		t.Errorf("CreateInvitation = %v, want not suppressed, touchpoint go_checkout", invited)
	}

	_, err = client.Ratings.SubmitRating(ctx, &csatv1.SubmitRatingRequest{Rating: &csatv1.Rating{
		RatingId: "go-order-7", SurveyId: "go-loop", Score: 1, CustomerId: "go-cust-1",
		Comment: "Arrived broken",
	}})
	if err != nil {
		t.Fatalf("SubmitRating: %v", err)
	}

	customer, err := client.Customers.GetCustomer(ctx, &csatv1.GetCustomerRequest{CustomerId: "go-cust-1"})
	if err != nil {
		t.Fatalf("GetCustomer: %v", err)
	}
	if c := customer.GetCustomer(); c.GetRatingCount() != 1 || c.GetOpenFollowUpCount() != 1 ||
		c.GetHealth() != 0 || c.GetHealthBand() != csatv1.HealthBand_HEALTH_BAND_CRITICAL {
		t.Errorf("GetCustomer = %v, want 1 rating, 1 open follow-up, health 0 CRITICAL", c)
	}

	// README: the at-risk customers, the lowest health first.
	atRisk, err := client.Customers.ListCustomers(ctx, &csatv1.ListCustomersRequest{
		Filter:  &csatv1.CustomerFilter{Touchpoints: []string{"go_checkout"}},
		OrderBy: "health",
	})
	if err != nil {
		t.Fatalf("ListCustomers: %v", err)
	}
	if got := atRisk.GetCustomers(); len(got) != 1 || got[0].GetCustomerId() != "go-cust-1" {
		t.Errorf("ListCustomers = %v, want go-cust-1 alone", got)
	}

	// README: the follow-ups past their due time, the oldest due first.
	var overdue []*csatv1.FollowUp
	for deadline := time.Now().Add(10 * time.Second); len(overdue) == 0 && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		listed, err := client.FollowUps.ListFollowUps(ctx, &csatv1.ListFollowUpsRequest{
			Filter: &csatv1.FollowUpFilter{Overdue: true, SurveyIds: []string{"go-loop"}},
		})
		if err != nil {
			t.Fatalf("ListFollowUps: %v", err)
		}
		overdue = listed.GetFollowUps()
	}
	if len(overdue) != 1 {
		t.Fatalf("ListFollowUps{overdue} = %v, want the one follow-up within 10 s", overdue)
	}
	followUp := overdue[0]
	if followUp.GetRatingId() != "go-order-7" || followUp.GetCustomerId() != "go-cust-1" ||
		followUp.GetScore() != 1 || followUp.GetComment() != "Arrived broken" ||
		followUp.GetState() != csatv1.FollowUpState_FOLLOW_UP_STATE_OPEN || followUp.GetEtag() == "" {
		t.Errorf("overdue follow-up = %v, want rating go-order-7 of go-cust-1, score 1, OPEN, an etag", followUp)
	}

	// README: resolve it, naming the etag read, so that a change made meanwhile is not overwritten.
	resolve := &csatv1.UpdateFollowUpRequest{
		FollowUp: &csatv1.FollowUp{
			FollowUpId:     followUp.GetFollowUpId(),
			State:          csatv1.FollowUpState_FOLLOW_UP_STATE_RESOLVED,
			ResolutionCode: "replaced",
		},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"state", "resolution_code"}},
		Etag:       followUp.GetEtag(),
	}
	resolved, err := client.FollowUps.UpdateFollowUp(ctx, resolve)
	if err != nil {
		t.Fatalf("UpdateFollowUp: %v", err)
	}
	if r := resolved.GetFollowUp(); r.GetState() != csatv1.FollowUpState_FOLLOW_UP_STATE_RESOLVED ||
		r.GetResolutionCode() != "replaced" || r.GetCloseTime() == nil || r.GetEtag() == followUp.GetEtag() {
		t.Errorf("UpdateFollowUp = %v, want RESOLVED, replaced, a close_time and a new etag", r)
	}

	// The same update again carries the etag the first one replaced.
	_, err = client.FollowUps.UpdateFollowUp(ctx, resolve)
	if status.Code(err) != codes.Aborted || csat.ErrorReason(err) != csat.ReasonFollowUpEtagMismatch {
		t.Errorf("UpdateFollowUp with a stale etag = %v (reason %q), want ABORTED %s",
			err, csat.ErrorReason(err), csat.ReasonFollowUpEtagMismatch)
	}

	customer, err = client.Customers.GetCustomer(ctx, &csatv1.GetCustomerRequest{CustomerId: "go-cust-1"})
	if err != nil {
		t.Fatalf("GetCustomer after resolving: %v", err)
	}
	if customer.GetCustomer().GetOpenFollowUpCount() != 0 {
		t.Errorf("open follow-ups after resolving = %d, want 0", customer.GetCustomer().GetOpenFollowUpCount())
	}

	invitation, err := client.Invitations.GetInvitation(ctx, &csatv1.GetInvitationRequest{InvitationId: "go-order-7"})
	if err != nil {
		t.Fatalf("GetInvitation: %v", err)
	}
	if i := invitation.GetInvitation(); i.GetSurveyId() != "go-loop" || i.GetCustomerId() != "go-cust-1" ||
		i.GetChannel() != csatv1.Channel_CHANNEL_EMAIL || i.GetSuppressed() || i.GetSendTime() == nil {
		t.Errorf("GetInvitation = %v, want go-loop for go-cust-1 by email, sent, not suppressed", i)
	}
}
