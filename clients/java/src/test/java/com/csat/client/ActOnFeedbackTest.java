package com.csat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.csat.v1.Channel;
import com.csat.v1.CreateInvitationRequest;
import com.csat.v1.CreateInvitationResponse;
import com.csat.v1.CreateSurveyRequest;
import com.csat.v1.Customer;
import com.csat.v1.CustomerFilter;
import com.csat.v1.FollowUp;
import com.csat.v1.FollowUpFilter;
import com.csat.v1.FollowUpRule;
import com.csat.v1.FollowUpState;
import com.csat.v1.GetCustomerRequest;
import com.csat.v1.GetInvitationRequest;
import com.csat.v1.HealthBand;
import com.csat.v1.Invitation;
import com.csat.v1.ListCustomersRequest;
import com.csat.v1.ListFollowUpsRequest;
import com.csat.v1.Metric;
import com.csat.v1.Rating;
import com.csat.v1.SubmitRatingRequest;
import com.csat.v1.Survey;
import com.csat.v1.UpdateFollowUpRequest;
import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Acting on feedback through {@link CsatClient#invitations()}, {@link CsatClient#customers()} and
 * {@link CsatClient#followUps()} against the real binary: the loop README.md's "Act on feedback"
 * shows. An invitation, a low rating that opens a follow-up, the customer at risk, the follow-up
 * overdue and resolved by its etag, and a stale etag refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActOnFeedbackTest {
    private static final String SURVEY = "java-loop";
    private static final String CUSTOMER = "java-cust-1";
    private static final String ORDER = "java-order-7";

    private CsatServer server;
    private CsatClient csat;

    @BeforeAll
    void startServer() throws Exception {
        server = CsatServer.start();
        csat = server.client();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (csat != null) {
            csat.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Customer getCustomer() {
        return csat.customers()
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getCustomer(GetCustomerRequest.newBuilder().setCustomerId(CUSTOMER).build())
                .getCustomer();
    }

    private static UpdateFollowUpRequest resolve(FollowUp followUp) {
        return UpdateFollowUpRequest.newBuilder()
                .setFollowUp(
                        FollowUp.newBuilder()
                                .setFollowUpId(followUp.getFollowUpId())
                                .setState(FollowUpState.FOLLOW_UP_STATE_RESOLVED)
                                .setResolutionCode("replaced"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("state").addPaths("resolution_code"))
                .setEtag(followUp.getEtag())
                .build();
    }

    @Test
    void invitesOpensAFollowUpReadsTheCustomerAndResolvesIt() throws Exception {
        csat.surveys()
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .createSurvey(
                        CreateSurveyRequest.newBuilder()
                                .setSurveyId(SURVEY)
                                .setSurvey(
                                        Survey.newBuilder()
                                                .setDisplayName("Java checkout")
                                                .setQuestion("How satisfied are you with your order?")
                                                .setTouchpoint("java_checkout")
                                                .setMetric(Metric.METRIC_CSAT)
                                                // Due at once, so that it is overdue within the test.
                                                .setFollowUp(
                                                        FollowUpRule.newBuilder()
                                                                .setMaxScore(2)
                                                                .setDueWithin(Duration.newBuilder().setSeconds(1))))
                                .build());

        CreateInvitationResponse invited =
                csat.invitations()
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .createInvitation(
                                CreateInvitationRequest.newBuilder()
                                        .setInvitation(
                                                Invitation.newBuilder()
                                                        .setInvitationId(ORDER)
                                                        .setSurveyId(SURVEY)
                                                        .setCustomerId(CUSTOMER)
                                                        .setChannel(Channel.CHANNEL_EMAIL))
                                        .build());
        assertFalse(invited.getSuppressed());
        assertEquals("java_checkout", invited.getInvitation().getTouchpoint());

        csat.ratings()
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitRating(
                        SubmitRatingRequest.newBuilder()
                                .setRating(
                                        Rating.newBuilder()
                                                .setRatingId(ORDER)
                                                .setSurveyId(SURVEY)
                                                .setScore(1)
                                                .setCustomerId(CUSTOMER)
                                                .setComment("Arrived broken"))
                                .build());

        Customer customer = getCustomer();
        assertEquals(1, customer.getRatingCount());
        assertEquals(1, customer.getOpenFollowUpCount());
        assertTrue(customer.hasHealth());
        assertEquals(0.0, customer.getHealth());
        assertEquals(HealthBand.HEALTH_BAND_CRITICAL, customer.getHealthBand());

        // README: the at-risk customers, the lowest health first.
        List<Customer> atRisk =
                csat.customers()
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listCustomers(
                                ListCustomersRequest.newBuilder()
                                        .setFilter(CustomerFilter.newBuilder().addTouchpoints("java_checkout"))
                                        .setOrderBy("health")
                                        .build())
                        .getCustomersList();
        assertEquals(
                List.of(CUSTOMER), atRisk.stream().map(Customer::getCustomerId).collect(Collectors.toList()));

        // README: the follow-ups past their due time, the oldest due first.
        List<FollowUp> overdue = List.of();
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                overdue.isEmpty() && System.nanoTime() < deadline; ) {
            Thread.sleep(200);
            overdue =
                    csat.followUps()
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .listFollowUps(
                                    ListFollowUpsRequest.newBuilder()
                                            .setFilter(
                                                    FollowUpFilter.newBuilder().setOverdue(true).addSurveyIds(SURVEY))
                                            .build())
                            .getFollowUpsList();
        }
        assertEquals(1, overdue.size(), "the follow-up is overdue within 10 s");
        FollowUp followUp = overdue.get(0);
        assertEquals(ORDER, followUp.getRatingId());
        assertEquals(CUSTOMER, followUp.getCustomerId());
        assertEquals(1, followUp.getScore());
        assertEquals("Arrived broken", followUp.getComment());
        assertEquals(FollowUpState.FOLLOW_UP_STATE_OPEN, followUp.getState());
        assertFalse(followUp.getEtag().isEmpty());

        // README: resolve it, naming the etag read, so that a change made meanwhile is not overwritten.
        FollowUp resolved =
                csat.followUps()
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .updateFollowUp(resolve(followUp))
                        .getFollowUp();
        assertEquals(FollowUpState.FOLLOW_UP_STATE_RESOLVED, resolved.getState());
        assertEquals("replaced", resolved.getResolutionCode());
        assertTrue(resolved.hasCloseTime());
        assertNotEquals(followUp.getEtag(), resolved.getEtag());

        // The same update again carries the etag the first one replaced.
        StatusRuntimeException stale =
                assertThrows(
                        StatusRuntimeException.class,
                        () ->
                                csat.followUps()
                                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                                        .updateFollowUp(resolve(followUp)));
        assertEquals(Status.Code.ABORTED, stale.getStatus().getCode());
        assertEquals("FOLLOW_UP_ETAG_MISMATCH", CsatErrors.errorReason(stale));

        assertEquals(0, getCustomer().getOpenFollowUpCount());

        Invitation invitation =
                csat.invitations()
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getInvitation(GetInvitationRequest.newBuilder().setInvitationId(ORDER).build())
                        .getInvitation();
        assertEquals(SURVEY, invitation.getSurveyId());
        assertEquals(CUSTOMER, invitation.getCustomerId());
        assertEquals(Channel.CHANNEL_EMAIL, invitation.getChannel());
        assertFalse(invitation.getSuppressed());
        assertTrue(invitation.hasSendTime());
    }
}
