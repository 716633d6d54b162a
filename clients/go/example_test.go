package csat_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	csat "github.com/csat/csat/clients/go"
	csatv1 "github.com/csat/csat/clients/go/gen/csat/v1"
)

// The quickstart of README.md: connect, create a survey, submit a rating, read a report. In
// the examples, target is the server's address, such as "localhost:50051".
func Example() {
	// Plaintext to a loopback address, TLS with the system's roots to any other; add
	// csat.WithToken(token) where the server asks for a token.
	client, err := csat.Dial(target)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	// Give every call a deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	_, err = client.Surveys.CreateSurvey(ctx, &csatv1.CreateSurveyRequest{
		SurveyId: "support-chat",
		Survey: &csatv1.Survey{
			DisplayName: "Support chat",
			Question:    "How satisfied are you with the help you got?",
			Touchpoint:  "support_chat",
			Metric:      csatv1.Metric_METRIC_CSAT,
		},
	})
	if err != nil && status.Code(err) != codes.AlreadyExists {
		log.Fatal(err)
	}

	// rating_id is the idempotency key: sent again (a retry), the rating counts once.
	submitted, err := client.Ratings.SubmitRating(ctx, &csatv1.SubmitRatingRequest{Rating: &csatv1.Rating{
		RatingId:   "ticket-1042",
		SurveyId:   "support-chat",
		Score:      5,
		Attributes: map[string]string{"agent": "a-17"},
	}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("duplicate:", submitted.GetDuplicate())

	response, err := client.Reports.GetReport(ctx, &csatv1.GetReportRequest{Query: &csatv1.ReportQuery{
		Filter:  &csatv1.RatingFilter{SurveyIds: []string{"support-chat"}},
		GroupBy: []string{"attributes.agent"},
	}})
	if err != nil {
		log.Fatal(err)
	}
	for _, group := range response.GetReport().GetGroups() {
		metrics := group.GetMetrics()
		fmt.Printf("agent %s: CSAT %.0f%% of %d ratings\n",
			group.GetKey()["attributes.agent"], metrics.GetCsat(), metrics.GetRatingCount())
	}
	// Output:
	// duplicate: false
	// agent a-17: CSAT 100% of 1 ratings
}

// Bad input fails with INVALID_ARGUMENT and names every bad field, with a reason to branch on.
func ExampleFieldViolations() {
	client, err := csat.Dial(target)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	_, err = client.Ratings.SubmitRating(ctx, &csatv1.SubmitRatingRequest{Rating: &csatv1.Rating{
		RatingId: "ticket 1043", // a space is not allowed
		SurveyId: "",            // required
		Score:    4,
	}})

	fmt.Println(status.Code(err), csat.ErrorReason(err))
	for _, violation := range csat.FieldViolations(err) {
		fmt.Println(violation.GetField(), violation.GetReason())
	}
	// Output:
	// InvalidArgument INVALID_FIELD
	// rating.survey_id REQUIRED
	// rating.rating_id BAD_FORMAT
}

// Other errors carry a reason too, such as SURVEY_NOT_FOUND.
func ExampleErrorReason() {
	client, err := csat.Dial(target)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	_, err = client.Surveys.GetSurvey(ctx, &csatv1.GetSurveyRequest{SurveyId: "no-such-survey"})

	switch csat.ErrorReason(err) {
	case "SURVEY_NOT_FOUND":
		fmt.Println("no such survey:", status.Code(err))
	case "":
		fmt.Println("not an error from csat:", err)
	}
	// Output:
	// no such survey: NotFound
}

// StreamRatings sends the stored ratings in sequence order; with Follow it then goes on with each
// new one as it is committed, until the context ends. Resume after a break with StartAfter set
// to the last sequence received.
func Example_streamRatings() {
	client, err := csat.Dial(target)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = client.Surveys.CreateSurvey(ctx, &csatv1.CreateSurveyRequest{
		SurveyId: "checkout",
		Survey:   &csatv1.Survey{Touchpoint: "checkout", Metric: csatv1.Metric_METRIC_CSAT},
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Ratings.BatchSubmitRatings(ctx, &csatv1.BatchSubmitRatingsRequest{Ratings: []*csatv1.Rating{
		{RatingId: "order-1", SurveyId: "checkout", Score: 2, Comment: "Card refused twice"},
		{RatingId: "order-2", SurveyId: "checkout", Score: 5},
		{RatingId: "order-3", SurveyId: "checkout", Score: 1, Comment: "Never arrived"},
	}})
	if err != nil {
		log.Fatal(err)
	}

	// The unhappy ratings of the survey; set Follow: true to tail them live.
	stream, err := client.Ratings.StreamRatings(ctx, &csatv1.StreamRatingsRequest{
		Filter:     &csatv1.RatingFilter{SurveyIds: []string{"checkout"}, MaxScore: proto.Int32(2)},
		StartAfter: 0,
	})
	if err != nil {
		log.Fatal(err)
	}
	for {
		message, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break // every stored rating was sent
		}
		if err != nil {
			log.Fatal(err)
		}
		rating := message.GetRating()
		fmt.Printf("%s scored %d: %s\n", rating.GetRatingId(), rating.GetScore(), rating.GetComment())
	}
	// Output:
	// order-1 scored 2: Card refused twice
	// order-3 scored 1: Never arrived
}
