package csat_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	csat "github.com/csat/csat/clients/go"
	csatv1 "github.com/csat/csat/clients/go/gen/csat/v1"
)

// createSurvey creates a CSAT survey on the 1-5 scale (satisfied from 4) with the given id.
func createSurvey(ctx context.Context, t *testing.T, client *csat.Client, surveyID, touchpoint string) *csatv1.Survey {
	t.Helper()
	response, err := client.Surveys.CreateSurvey(ctx, &csatv1.CreateSurveyRequest{
		SurveyId: surveyID,
		Survey: &csatv1.Survey{
			DisplayName: "Support chat " + surveyID,
			Question:    "How satisfied are you with the help you got?",
			Touchpoint:  touchpoint,
			Metric:      csatv1.Metric_METRIC_CSAT,
		},
	})
	if err != nil {
		t.Fatalf("CreateSurvey(%s): %v", surveyID, err)
	}
	return response.GetSurvey()
}

// submitAll stores ratings of surveyID with the given scores and agents, ids "<prefix>-<i>".
func submitAll(ctx context.Context, t *testing.T, client *csat.Client, surveyID, prefix string, scores []int32, agents []string) []*csatv1.Rating {
	t.Helper()
	ratings := make([]*csatv1.Rating, len(scores))
	for i, score := range scores {
		ratings[i] = &csatv1.Rating{
			RatingId:   fmt.Sprintf("%s-%d", prefix, i),
			SurveyId:   surveyID,
			Score:      score,
			Channel:    csatv1.Channel_CHANNEL_WEB_CHAT,
			Attributes: map[string]string{"agent": agents[i%len(agents)]},
		}
	}
	response, err := client.Ratings.BatchSubmitRatings(ctx, &csatv1.BatchSubmitRatingsRequest{Ratings: ratings})
	if err != nil {
		t.Fatalf("BatchSubmitRatings: %v", err)
	}
	return response.GetRatings()
}

func TestCreateSurveyFillsDefaultsAndGetReturnsIt(t *testing.T) {
	ctx, client := testContext(t), dial(t)

	created := createSurvey(ctx, t, client, "defaults", "support_chat")
	got, err := client.Surveys.GetSurvey(ctx, &csatv1.GetSurveyRequest{SurveyId: "defaults"})

	if err != nil {
		t.Fatalf("GetSurvey: %v", err)
	}
	if created.GetSurveyId() != "defaults" || created.GetState() != csatv1.SurveyState_SURVEY_STATE_ACTIVE {
		t.Errorf("created survey %q in state %v, want \"defaults\" ACTIVE", created.GetSurveyId(), created.GetState())
	}
	if created.GetScaleMin() != 1 || created.GetScaleMax() != 5 || created.GetSatisfiedThreshold() != 4 {
		t.Errorf("scale %d-%d satisfied from %d, want 1-5 from 4",
			created.GetScaleMin(), created.GetScaleMax(), created.GetSatisfiedThreshold())
	}
	if got.GetSurvey().GetQuestion() != created.GetQuestion() || got.GetSurvey().GetTouchpoint() != "support_chat" {
		t.Errorf("GetSurvey returned %v, want %v", got.GetSurvey(), created)
	}
}

func TestUnknownSurveyIsNotFoundWithReason(t *testing.T) {
	ctx, client := testContext(t), dial(t)

	_, err := client.Surveys.GetSurvey(ctx, &csatv1.GetSurveyRequest{SurveyId: "no-such-survey"})

	if status.Code(err) != codes.NotFound {
		t.Fatalf("GetSurvey of an unknown survey: %v, want NOT_FOUND", err)
	}
	if reason := csat.ErrorReason(err); reason != "SURVEY_NOT_FOUND" {
		t.Errorf("ErrorReason = %q, want SURVEY_NOT_FOUND", reason)
	}
	if info := csat.ErrorInfo(err); info.GetDomain() != csat.ErrorDomain {
		t.Errorf("ErrorInfo domain = %q, want %q", info.GetDomain(), csat.ErrorDomain)
	}
	if violations := csat.FieldViolations(err); violations != nil {
		t.Errorf("FieldViolations of NOT_FOUND = %v, want none", violations)
	}
}

func TestSubmittingTheSameRatingTwiceCountsItOnce(t *testing.T) {
	ctx, client := testContext(t), dial(t)
	createSurvey(ctx, t, client, "duplicates", "support_chat")
	rating := &csatv1.Rating{RatingId: "ticket-1042", SurveyId: "duplicates", Score: 5, Comment: "Quick and kind"}

	first, err := client.Ratings.SubmitRating(ctx, &csatv1.SubmitRatingRequest{Rating: rating})
	if err != nil {
		t.Fatalf("first SubmitRating: %v", err)
	}
	second, err := client.Ratings.SubmitRating(ctx, &csatv1.SubmitRatingRequest{Rating: rating})
	if err != nil {
		t.Fatalf("second SubmitRating: %v", err)
	}

	if first.GetDuplicate() || !second.GetDuplicate() {
		t.Errorf("duplicate flags %v then %v, want false then true", first.GetDuplicate(), second.GetDuplicate())
	}
	if first.GetRating().GetSequence() <= 0 || second.GetRating().GetSequence() != first.GetRating().GetSequence() {
		t.Errorf("sequences %d then %d, want the same positive one",
			first.GetRating().GetSequence(), second.GetRating().GetSequence())
	}
	report, err := client.Reports.GetReport(ctx, &csatv1.GetReportRequest{Query: &csatv1.ReportQuery{
		Filter: &csatv1.RatingFilter{SurveyIds: []string{"duplicates"}},
	}})
	if err != nil {
		t.Fatalf("GetReport: %v", err)
	}
	if count := report.GetReport().GetOverall().GetRatingCount(); count != 1 {
		t.Errorf("rating_count = %d after a duplicate submit, want 1", count)
	}

	changed := &csatv1.Rating{RatingId: "ticket-1042", SurveyId: "duplicates", Score: 1}
	_, err = client.Ratings.SubmitRating(ctx, &csatv1.SubmitRatingRequest{Rating: changed})
	if status.Code(err) != codes.AlreadyExists {
		t.Errorf("the same rating_id with another score: %v, want ALREADY_EXISTS", err)
	}
}

func TestBadRatingNamesEveryBadFieldWithItsReason(t *testing.T) {
	ctx, client := testContext(t), dial(t)
	createSurvey(ctx, t, client, "validation", "support_chat")

	_, err := client.Ratings.SubmitRating(ctx, &csatv1.SubmitRatingRequest{Rating: &csatv1.Rating{
		RatingId:   "bad-1",
		SurveyId:   "validation",
		Score:      9,
		Attributes: map[string]string{"Not A Key": "x"},
	}})

	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("SubmitRating of a bad rating: %v, want INVALID_ARGUMENT", err)
	}
	if reason := csat.ErrorReason(err); reason != csat.ReasonInvalidField {
		t.Errorf("ErrorReason = %q, want %q", reason, csat.ReasonInvalidField)
	}
	reasons := map[string]string{}
	for _, violation := range csat.FieldViolations(err) {
		reasons[violation.GetField()] = violation.GetReason()
		if violation.GetDescription() == "" {
			t.Errorf("violation of %s has no description", violation.GetField())
		}
	}
	want := map[string]string{
		"rating.score":                   csat.ViolationOutOfRange,
		`rating.attributes["Not A Key"]`: csat.ViolationBadFormat,
	}
	for field, reason := range want {
		if reasons[field] != reason {
			t.Errorf("violation of %s: reason %q, want %q (all: %v)", field, reasons[field], reason, reasons)
		}
	}
	if len(reasons) != len(want) {
		t.Errorf("violations %v, want exactly the fields of %v", reasons, want)
	}
}

func TestListSurveysPagesToTheEnd(t *testing.T) {
	ctx, client := testContext(t), dial(t)
	var want []string
	for i := range 5 {
		id := fmt.Sprintf("paged-survey-%d", i)
		createSurvey(ctx, t, client, id, "paging_surveys")
		want = append(want, id)
	}

	var got []string
	pages := 0
	request := &csatv1.ListSurveysRequest{Touchpoint: "paging_surveys", PageSize: 2}
	for {
		response, err := client.Surveys.ListSurveys(ctx, request)
		if err != nil {
			t.Fatalf("ListSurveys page %d: %v", pages+1, err)
		}
		pages++
		for _, survey := range response.GetSurveys() {
			got = append(got, survey.GetSurveyId())
		}
		if response.GetNextPageToken() == "" {
			break
		}
		request.PageToken = response.GetNextPageToken()
	}

	if !slices.Equal(got, want) {
		t.Errorf("surveys %v, want %v in survey_id order", got, want)
	}
	if pages != 3 {
		t.Errorf("%d pages of 2 for 5 surveys, want 3", pages)
	}
}

func TestListRatingsPagesToTheEndNewestFirst(t *testing.T) {
	ctx, client := testContext(t), dial(t)
	createSurvey(ctx, t, client, "paging-ratings", "support_chat")
	stored := submitAll(ctx, t, client, "paging-ratings", "page", []int32{5, 4, 3, 2, 1, 5, 4}, []string{"a-1"})

	var sequences []int64
	pages := 0
	request := &csatv1.ListRatingsRequest{
		Filter:   &csatv1.RatingFilter{SurveyIds: []string{"paging-ratings"}},
		PageSize: 3,
	}
	for {
		response, err := client.Ratings.ListRatings(ctx, request)
		if err != nil {
			t.Fatalf("ListRatings page %d: %v", pages+1, err)
		}
		pages++
		for _, rating := range response.GetRatings() {
			sequences = append(sequences, rating.GetSequence())
		}
		if response.GetNextPageToken() == "" {
			break
		}
		request.PageToken = response.GetNextPageToken()
	}

	var want []int64
	for _, rating := range stored {
		want = append(want, rating.GetSequence())
	}
	slices.Reverse(want)
	if !slices.Equal(sequences, want) {
		t.Errorf("sequences %v, want %v (every rating once, newest first)", sequences, want)
	}
	if pages != 3 {
		t.Errorf("%d pages of 3 for 7 ratings, want 3", pages)
	}
}

func TestReportGroupsByAnAttribute(t *testing.T) {
	ctx, client := testContext(t), dial(t)
	createSurvey(ctx, t, client, "grouped", "support_chat")
	// Agent a-1 gets 5, 4, 2, 5 (3 of 4 satisfied); a-2 gets 1, 3 (none).
	submitAll(ctx, t, client, "grouped", "group", []int32{5, 1, 4, 3, 2, 5}, []string{"a-1", "a-2", "a-1"})

	response, err := client.Reports.GetReport(ctx, &csatv1.GetReportRequest{Query: &csatv1.ReportQuery{
		Filter:  &csatv1.RatingFilter{SurveyIds: []string{"grouped"}},
		GroupBy: []string{"attributes.agent"},
	}})
	if err != nil {
		t.Fatalf("GetReport: %v", err)
	}

	report := response.GetReport()
	if overall := report.GetOverall(); overall.GetRatingCount() != 6 || overall.GetSatisfiedCount() != 3 {
		t.Errorf("overall: %d ratings, %d satisfied; want 6 and 3", overall.GetRatingCount(), overall.GetSatisfiedCount())
	}
	type groupCounts struct{ ratings, satisfied int64 }
	got := map[string]groupCounts{}
	for _, group := range report.GetGroups() {
		got[group.GetKey()["attributes.agent"]] = groupCounts{group.GetMetrics().GetRatingCount(), group.GetMetrics().GetSatisfiedCount()}
	}
	want := map[string]groupCounts{"a-1": {4, 3}, "a-2": {2, 0}}
	if len(got) != len(want) || got["a-1"] != want["a-1"] || got["a-2"] != want["a-2"] {
		t.Errorf("groups %v, want %v", got, want)
	}
	for _, group := range report.GetGroups() {
		if group.GetKey()["attributes.agent"] == "a-1" && group.GetMetrics().GetCsat() != 75 {
			t.Errorf("CSAT of a-1 = %v, want 75", group.GetMetrics().GetCsat())
		}
	}
}

func TestFollowedStreamReceivesARatingSubmittedAfterItOpened(t *testing.T) {
	ctx, client := testContext(t), dial(t)
	createSurvey(ctx, t, client, "followed", "support_chat")
	stored := submitAll(ctx, t, client, "followed", "before", []int32{4, 5}, []string{"a-1"})

	streamCtx, stopStream := context.WithCancel(ctx)
	defer stopStream()
	stream, err := client.Ratings.StreamRatings(streamCtx, &csatv1.StreamRatingsRequest{
		Filter: &csatv1.RatingFilter{SurveyIds: []string{"followed"}},
		Follow: true,
	})
	if err != nil {
		t.Fatalf("StreamRatings: %v", err)
	}
	for i, want := range stored {
		message, err := stream.Recv()
		if err != nil {
			t.Fatalf("stored rating %d: %v", i, err)
		}
		if message.GetRating().GetRatingId() != want.GetRatingId() {
			t.Errorf("stored rating %d is %s, want %s", i, message.GetRating().GetRatingId(), want.GetRatingId())
		}
	}

	// The stream has sent everything stored; what comes next was committed after it opened.
	submitted, err := client.Ratings.SubmitRating(ctx, &csatv1.SubmitRatingRequest{Rating: &csatv1.Rating{
		RatingId: "after", SurveyId: "followed", Score: 2, Comment: "Took three days",
	}})
	if err != nil {
		t.Fatalf("SubmitRating: %v", err)
	}
	received := make(chan *csatv1.StreamRatingsResponse, 1)
	failed := make(chan error, 1)
	go func() {
		message, err := stream.Recv()
		if err != nil {
			failed <- err
			return
		}
		received <- message
	}()

	select {
	case message := <-received:
		if message.GetRating().GetRatingId() != "after" || message.GetRating().GetSequence() != submitted.GetRating().GetSequence() {
			t.Errorf("live rating %s (sequence %d), want after (sequence %d)", message.GetRating().GetRatingId(),
				message.GetRating().GetSequence(), submitted.GetRating().GetSequence())
		}
	case err := <-failed:
		t.Fatalf("waiting for the live rating: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the rating submitted after the stream opened did not arrive within 10 s")
	}

	stopStream()
	if _, err := stream.Recv(); status.Code(err) != codes.Canceled && err != io.EOF {
		t.Errorf("Recv after cancelling the stream: %v, want CANCELED", err)
	}
}

func TestDeadlineEndsAFollowedStream(t *testing.T) {
	ctx, client := testContext(t), dial(t)
	createSurvey(ctx, t, client, "deadline", "support_chat")

	shortCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	stream, err := client.Ratings.StreamRatings(shortCtx, &csatv1.StreamRatingsRequest{
		Filter: &csatv1.RatingFilter{SurveyIds: []string{"deadline"}},
		Follow: true,
	})
	if err == nil {
		_, err = stream.Recv()
	}

	if status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("Recv on an idle followed stream past its deadline: %v, want DEADLINE_EXCEEDED", err)
	}
}
