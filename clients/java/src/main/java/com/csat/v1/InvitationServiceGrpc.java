package com.csat.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * InvitationService records the invitations to answer a survey that a caller (a help desk, an
 * IVR, a checkout) is about to send, and tells it which ones not to send: survey fatigue. A
 * rating answering an invitation names it (Rating.invitation_id).
 * Errors as SurveyService describes them. An unknown survey is NOT_FOUND (reason
 * SURVEY_NOT_FOUND), an archived one FAILED_PRECONDITION (reason SURVEY_ARCHIVED); an invitation
 * that does not exist is NOT_FOUND (reason INVITATION_NOT_FOUND).
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class InvitationServiceGrpc {

  private InvitationServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "csat.v1.InvitationService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<com.csat.v1.CreateInvitationRequest,
      com.csat.v1.CreateInvitationResponse> getCreateInvitationMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateInvitation",
      requestType = com.csat.v1.CreateInvitationRequest.class,
      responseType = com.csat.v1.CreateInvitationResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.CreateInvitationRequest,
      com.csat.v1.CreateInvitationResponse> getCreateInvitationMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.CreateInvitationRequest, com.csat.v1.CreateInvitationResponse> getCreateInvitationMethod;
    if ((getCreateInvitationMethod = InvitationServiceGrpc.getCreateInvitationMethod) == null) {
      synchronized (InvitationServiceGrpc.class) {
        if ((getCreateInvitationMethod = InvitationServiceGrpc.getCreateInvitationMethod) == null) {
          InvitationServiceGrpc.getCreateInvitationMethod = getCreateInvitationMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.CreateInvitationRequest, com.csat.v1.CreateInvitationResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateInvitation"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.CreateInvitationRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.CreateInvitationResponse.getDefaultInstance()))
              .setSchemaDescriptor(new InvitationServiceMethodDescriptorSupplier("CreateInvitation"))
              .build();
        }
      }
    }
    return getCreateInvitationMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.GetInvitationRequest,
      com.csat.v1.GetInvitationResponse> getGetInvitationMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetInvitation",
      requestType = com.csat.v1.GetInvitationRequest.class,
      responseType = com.csat.v1.GetInvitationResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.GetInvitationRequest,
      com.csat.v1.GetInvitationResponse> getGetInvitationMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.GetInvitationRequest, com.csat.v1.GetInvitationResponse> getGetInvitationMethod;
    if ((getGetInvitationMethod = InvitationServiceGrpc.getGetInvitationMethod) == null) {
      synchronized (InvitationServiceGrpc.class) {
        if ((getGetInvitationMethod = InvitationServiceGrpc.getGetInvitationMethod) == null) {
          InvitationServiceGrpc.getGetInvitationMethod = getGetInvitationMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.GetInvitationRequest, com.csat.v1.GetInvitationResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetInvitation"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetInvitationRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetInvitationResponse.getDefaultInstance()))
              .setSchemaDescriptor(new InvitationServiceMethodDescriptorSupplier("GetInvitation"))
              .build();
        }
      }
    }
    return getGetInvitationMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.ListInvitationsRequest,
      com.csat.v1.ListInvitationsResponse> getListInvitationsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListInvitations",
      requestType = com.csat.v1.ListInvitationsRequest.class,
      responseType = com.csat.v1.ListInvitationsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.ListInvitationsRequest,
      com.csat.v1.ListInvitationsResponse> getListInvitationsMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.ListInvitationsRequest, com.csat.v1.ListInvitationsResponse> getListInvitationsMethod;
    if ((getListInvitationsMethod = InvitationServiceGrpc.getListInvitationsMethod) == null) {
      synchronized (InvitationServiceGrpc.class) {
        if ((getListInvitationsMethod = InvitationServiceGrpc.getListInvitationsMethod) == null) {
          InvitationServiceGrpc.getListInvitationsMethod = getListInvitationsMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.ListInvitationsRequest, com.csat.v1.ListInvitationsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListInvitations"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListInvitationsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListInvitationsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new InvitationServiceMethodDescriptorSupplier("ListInvitations"))
              .build();
        }
      }
    }
    return getListInvitationsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static InvitationServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<InvitationServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<InvitationServiceStub>() {
        @java.lang.Override
        public InvitationServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new InvitationServiceStub(channel, callOptions);
        }
      };
    return InvitationServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static InvitationServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<InvitationServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<InvitationServiceBlockingV2Stub>() {
        @java.lang.Override
        public InvitationServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new InvitationServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return InvitationServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static InvitationServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<InvitationServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<InvitationServiceBlockingStub>() {
        @java.lang.Override
        public InvitationServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new InvitationServiceBlockingStub(channel, callOptions);
        }
      };
    return InvitationServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static InvitationServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<InvitationServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<InvitationServiceFutureStub>() {
        @java.lang.Override
        public InvitationServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new InvitationServiceFutureStub(channel, callOptions);
        }
      };
    return InvitationServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * InvitationService records the invitations to answer a survey that a caller (a help desk, an
   * IVR, a checkout) is about to send, and tells it which ones not to send: survey fatigue. A
   * rating answering an invitation names it (Rating.invitation_id).
   * Errors as SurveyService describes them. An unknown survey is NOT_FOUND (reason
   * SURVEY_NOT_FOUND), an archived one FAILED_PRECONDITION (reason SURVEY_ARCHIVED); an invitation
   * that does not exist is NOT_FOUND (reason INVITATION_NOT_FOUND).
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Records an invitation, deciding in the same transaction whether it is to be sent. When the
     * customer was invited (not suppressed) to any survey, or answered any survey, fewer than the
     * survey's min_days_between_invitations before or after send_time, the invitation is stored as
     * suppressed, with its reason, and is not to be sent. invitation_id is the idempotency key: the
     * same invitation sent again answers as the first time (the same decision, however many
     * replicas decide); the same invitation_id with other content is ALREADY_EXISTS (reason
     * INVITATION_ALREADY_EXISTS).
     * Not declared IDEMPOTENT: without an invitation_id the server generates one per call, as
     * SubmitRating does; with one, a retry is answered as the first call was.
     * </pre>
     */
    default void createInvitation(com.csat.v1.CreateInvitationRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.CreateInvitationResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateInvitationMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns one invitation.
     * </pre>
     */
    default void getInvitation(com.csat.v1.GetInvitationRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetInvitationResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetInvitationMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists invitations that match a filter, the latest send_time first (ties by invitation_id),
     * paged per AIP-158.
     * </pre>
     */
    default void listInvitations(com.csat.v1.ListInvitationsRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListInvitationsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListInvitationsMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service InvitationService.
   * <pre>
   * InvitationService records the invitations to answer a survey that a caller (a help desk, an
   * IVR, a checkout) is about to send, and tells it which ones not to send: survey fatigue. A
   * rating answering an invitation names it (Rating.invitation_id).
   * Errors as SurveyService describes them. An unknown survey is NOT_FOUND (reason
   * SURVEY_NOT_FOUND), an archived one FAILED_PRECONDITION (reason SURVEY_ARCHIVED); an invitation
   * that does not exist is NOT_FOUND (reason INVITATION_NOT_FOUND).
   * </pre>
   */
  public static abstract class InvitationServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return InvitationServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service InvitationService.
   * <pre>
   * InvitationService records the invitations to answer a survey that a caller (a help desk, an
   * IVR, a checkout) is about to send, and tells it which ones not to send: survey fatigue. A
   * rating answering an invitation names it (Rating.invitation_id).
   * Errors as SurveyService describes them. An unknown survey is NOT_FOUND (reason
   * SURVEY_NOT_FOUND), an archived one FAILED_PRECONDITION (reason SURVEY_ARCHIVED); an invitation
   * that does not exist is NOT_FOUND (reason INVITATION_NOT_FOUND).
   * </pre>
   */
  public static final class InvitationServiceStub
      extends io.grpc.stub.AbstractAsyncStub<InvitationServiceStub> {
    private InvitationServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected InvitationServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new InvitationServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Records an invitation, deciding in the same transaction whether it is to be sent. When the
     * customer was invited (not suppressed) to any survey, or answered any survey, fewer than the
     * survey's min_days_between_invitations before or after send_time, the invitation is stored as
     * suppressed, with its reason, and is not to be sent. invitation_id is the idempotency key: the
     * same invitation sent again answers as the first time (the same decision, however many
     * replicas decide); the same invitation_id with other content is ALREADY_EXISTS (reason
     * INVITATION_ALREADY_EXISTS).
     * Not declared IDEMPOTENT: without an invitation_id the server generates one per call, as
     * SubmitRating does; with one, a retry is answered as the first call was.
     * </pre>
     */
    public void createInvitation(com.csat.v1.CreateInvitationRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.CreateInvitationResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateInvitationMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns one invitation.
     * </pre>
     */
    public void getInvitation(com.csat.v1.GetInvitationRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetInvitationResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetInvitationMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists invitations that match a filter, the latest send_time first (ties by invitation_id),
     * paged per AIP-158.
     * </pre>
     */
    public void listInvitations(com.csat.v1.ListInvitationsRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListInvitationsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListInvitationsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service InvitationService.
   * <pre>
   * InvitationService records the invitations to answer a survey that a caller (a help desk, an
   * IVR, a checkout) is about to send, and tells it which ones not to send: survey fatigue. A
   * rating answering an invitation names it (Rating.invitation_id).
   * Errors as SurveyService describes them. An unknown survey is NOT_FOUND (reason
   * SURVEY_NOT_FOUND), an archived one FAILED_PRECONDITION (reason SURVEY_ARCHIVED); an invitation
   * that does not exist is NOT_FOUND (reason INVITATION_NOT_FOUND).
   * </pre>
   */
  public static final class InvitationServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<InvitationServiceBlockingV2Stub> {
    private InvitationServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected InvitationServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new InvitationServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Records an invitation, deciding in the same transaction whether it is to be sent. When the
     * customer was invited (not suppressed) to any survey, or answered any survey, fewer than the
     * survey's min_days_between_invitations before or after send_time, the invitation is stored as
     * suppressed, with its reason, and is not to be sent. invitation_id is the idempotency key: the
     * same invitation sent again answers as the first time (the same decision, however many
     * replicas decide); the same invitation_id with other content is ALREADY_EXISTS (reason
     * INVITATION_ALREADY_EXISTS).
     * Not declared IDEMPOTENT: without an invitation_id the server generates one per call, as
     * SubmitRating does; with one, a retry is answered as the first call was.
     * </pre>
     */
    public com.csat.v1.CreateInvitationResponse createInvitation(com.csat.v1.CreateInvitationRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateInvitationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns one invitation.
     * </pre>
     */
    public com.csat.v1.GetInvitationResponse getInvitation(com.csat.v1.GetInvitationRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetInvitationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists invitations that match a filter, the latest send_time first (ties by invitation_id),
     * paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListInvitationsResponse listInvitations(com.csat.v1.ListInvitationsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListInvitationsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service InvitationService.
   * <pre>
   * InvitationService records the invitations to answer a survey that a caller (a help desk, an
   * IVR, a checkout) is about to send, and tells it which ones not to send: survey fatigue. A
   * rating answering an invitation names it (Rating.invitation_id).
   * Errors as SurveyService describes them. An unknown survey is NOT_FOUND (reason
   * SURVEY_NOT_FOUND), an archived one FAILED_PRECONDITION (reason SURVEY_ARCHIVED); an invitation
   * that does not exist is NOT_FOUND (reason INVITATION_NOT_FOUND).
   * </pre>
   */
  public static final class InvitationServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<InvitationServiceBlockingStub> {
    private InvitationServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected InvitationServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new InvitationServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Records an invitation, deciding in the same transaction whether it is to be sent. When the
     * customer was invited (not suppressed) to any survey, or answered any survey, fewer than the
     * survey's min_days_between_invitations before or after send_time, the invitation is stored as
     * suppressed, with its reason, and is not to be sent. invitation_id is the idempotency key: the
     * same invitation sent again answers as the first time (the same decision, however many
     * replicas decide); the same invitation_id with other content is ALREADY_EXISTS (reason
     * INVITATION_ALREADY_EXISTS).
     * Not declared IDEMPOTENT: without an invitation_id the server generates one per call, as
     * SubmitRating does; with one, a retry is answered as the first call was.
     * </pre>
     */
    public com.csat.v1.CreateInvitationResponse createInvitation(com.csat.v1.CreateInvitationRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateInvitationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns one invitation.
     * </pre>
     */
    public com.csat.v1.GetInvitationResponse getInvitation(com.csat.v1.GetInvitationRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetInvitationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists invitations that match a filter, the latest send_time first (ties by invitation_id),
     * paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListInvitationsResponse listInvitations(com.csat.v1.ListInvitationsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListInvitationsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service InvitationService.
   * <pre>
   * InvitationService records the invitations to answer a survey that a caller (a help desk, an
   * IVR, a checkout) is about to send, and tells it which ones not to send: survey fatigue. A
   * rating answering an invitation names it (Rating.invitation_id).
   * Errors as SurveyService describes them. An unknown survey is NOT_FOUND (reason
   * SURVEY_NOT_FOUND), an archived one FAILED_PRECONDITION (reason SURVEY_ARCHIVED); an invitation
   * that does not exist is NOT_FOUND (reason INVITATION_NOT_FOUND).
   * </pre>
   */
  public static final class InvitationServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<InvitationServiceFutureStub> {
    private InvitationServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected InvitationServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new InvitationServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Records an invitation, deciding in the same transaction whether it is to be sent. When the
     * customer was invited (not suppressed) to any survey, or answered any survey, fewer than the
     * survey's min_days_between_invitations before or after send_time, the invitation is stored as
     * suppressed, with its reason, and is not to be sent. invitation_id is the idempotency key: the
     * same invitation sent again answers as the first time (the same decision, however many
     * replicas decide); the same invitation_id with other content is ALREADY_EXISTS (reason
     * INVITATION_ALREADY_EXISTS).
     * Not declared IDEMPOTENT: without an invitation_id the server generates one per call, as
     * SubmitRating does; with one, a retry is answered as the first call was.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.CreateInvitationResponse> createInvitation(
        com.csat.v1.CreateInvitationRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateInvitationMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns one invitation.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.GetInvitationResponse> getInvitation(
        com.csat.v1.GetInvitationRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetInvitationMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists invitations that match a filter, the latest send_time first (ties by invitation_id),
     * paged per AIP-158.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.ListInvitationsResponse> listInvitations(
        com.csat.v1.ListInvitationsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListInvitationsMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_INVITATION = 0;
  private static final int METHODID_GET_INVITATION = 1;
  private static final int METHODID_LIST_INVITATIONS = 2;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CREATE_INVITATION:
          serviceImpl.createInvitation((com.csat.v1.CreateInvitationRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.CreateInvitationResponse>) responseObserver);
          break;
        case METHODID_GET_INVITATION:
          serviceImpl.getInvitation((com.csat.v1.GetInvitationRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.GetInvitationResponse>) responseObserver);
          break;
        case METHODID_LIST_INVITATIONS:
          serviceImpl.listInvitations((com.csat.v1.ListInvitationsRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.ListInvitationsResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getCreateInvitationMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.CreateInvitationRequest,
              com.csat.v1.CreateInvitationResponse>(
                service, METHODID_CREATE_INVITATION)))
        .addMethod(
          getGetInvitationMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.GetInvitationRequest,
              com.csat.v1.GetInvitationResponse>(
                service, METHODID_GET_INVITATION)))
        .addMethod(
          getListInvitationsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.ListInvitationsRequest,
              com.csat.v1.ListInvitationsResponse>(
                service, METHODID_LIST_INVITATIONS)))
        .build();
  }

  private static abstract class InvitationServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    InvitationServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return com.csat.v1.InvitationProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("InvitationService");
    }
  }

  private static final class InvitationServiceFileDescriptorSupplier
      extends InvitationServiceBaseDescriptorSupplier {
    InvitationServiceFileDescriptorSupplier() {}
  }

  private static final class InvitationServiceMethodDescriptorSupplier
      extends InvitationServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    InvitationServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (InvitationServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new InvitationServiceFileDescriptorSupplier())
              .addMethod(getCreateInvitationMethod())
              .addMethod(getGetInvitationMethod())
              .addMethod(getListInvitationsMethod())
              .build();
        }
      }
    }
    return result;
  }
}
