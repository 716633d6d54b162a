package com.csat.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * SurveyService manages surveys: one question asked at one touchpoint, with one metric and scale.
 * Errors carry a google.rpc.ErrorInfo (domain "csat") and, for bad input, a google.rpc.BadRequest
 * that names every offending field at once, up to 20: the message counts the others, so that the
 * status fits in 8 KiB of metadata. A rejected request changes nothing.
 * Bad input, on every service, is INVALID_ARGUMENT with ErrorInfo reason INVALID_FIELD, and each
 * BadRequest field violation carries one of these reasons, for clients to branch on (reasons may
 * be added: read one you do not know as the field being invalid):
 * - REQUIRED: the field is empty or absent, and the request needs it.
 * - BAD_FORMAT: the value is not in the form its field takes: an id or key off its pattern, a NUL
 *   character in text, a timestamp or duration that is not one, a page_token that this call did
 *   not issue for this filter.
 * - OUT_OF_RANGE: a number or time outside the range its field allows: a score off the survey's
 *   scale, a negative page_size, a confidence not between 0 and 1, an occur_time more than 5
 *   minutes in the future.
 * - TOO_LONG: text longer than its field's limit in characters.
 * - TOO_MANY: a list or map with more entries than its field's limit, or a report that would hold
 *   more groups, buckets or bytes than it may.
 * - UNKNOWN_VALUE: none of the values its field takes: an enum number this contract does not have,
 *   an unknown time zone, an update_mask path that cannot be updated, an unknown group_by entry.
 * - REPEATED: an entry that its list takes once, repeated.
 * - INCONSISTENT: a value that contradicts another field of the request: min_score above
 *   max_score, start_time not before end_time, a measure that the metric does not take,
 *   compare_previous without a time range.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class SurveyServiceGrpc {

  private SurveyServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "csat.v1.SurveyService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<com.csat.v1.CreateSurveyRequest,
      com.csat.v1.CreateSurveyResponse> getCreateSurveyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateSurvey",
      requestType = com.csat.v1.CreateSurveyRequest.class,
      responseType = com.csat.v1.CreateSurveyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.CreateSurveyRequest,
      com.csat.v1.CreateSurveyResponse> getCreateSurveyMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.CreateSurveyRequest, com.csat.v1.CreateSurveyResponse> getCreateSurveyMethod;
    if ((getCreateSurveyMethod = SurveyServiceGrpc.getCreateSurveyMethod) == null) {
      synchronized (SurveyServiceGrpc.class) {
        if ((getCreateSurveyMethod = SurveyServiceGrpc.getCreateSurveyMethod) == null) {
          SurveyServiceGrpc.getCreateSurveyMethod = getCreateSurveyMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.CreateSurveyRequest, com.csat.v1.CreateSurveyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateSurvey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.CreateSurveyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.CreateSurveyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SurveyServiceMethodDescriptorSupplier("CreateSurvey"))
              .build();
        }
      }
    }
    return getCreateSurveyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.GetSurveyRequest,
      com.csat.v1.GetSurveyResponse> getGetSurveyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetSurvey",
      requestType = com.csat.v1.GetSurveyRequest.class,
      responseType = com.csat.v1.GetSurveyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.GetSurveyRequest,
      com.csat.v1.GetSurveyResponse> getGetSurveyMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.GetSurveyRequest, com.csat.v1.GetSurveyResponse> getGetSurveyMethod;
    if ((getGetSurveyMethod = SurveyServiceGrpc.getGetSurveyMethod) == null) {
      synchronized (SurveyServiceGrpc.class) {
        if ((getGetSurveyMethod = SurveyServiceGrpc.getGetSurveyMethod) == null) {
          SurveyServiceGrpc.getGetSurveyMethod = getGetSurveyMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.GetSurveyRequest, com.csat.v1.GetSurveyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetSurvey"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetSurveyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetSurveyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SurveyServiceMethodDescriptorSupplier("GetSurvey"))
              .build();
        }
      }
    }
    return getGetSurveyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.ListSurveysRequest,
      com.csat.v1.ListSurveysResponse> getListSurveysMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListSurveys",
      requestType = com.csat.v1.ListSurveysRequest.class,
      responseType = com.csat.v1.ListSurveysResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.ListSurveysRequest,
      com.csat.v1.ListSurveysResponse> getListSurveysMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.ListSurveysRequest, com.csat.v1.ListSurveysResponse> getListSurveysMethod;
    if ((getListSurveysMethod = SurveyServiceGrpc.getListSurveysMethod) == null) {
      synchronized (SurveyServiceGrpc.class) {
        if ((getListSurveysMethod = SurveyServiceGrpc.getListSurveysMethod) == null) {
          SurveyServiceGrpc.getListSurveysMethod = getListSurveysMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.ListSurveysRequest, com.csat.v1.ListSurveysResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListSurveys"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListSurveysRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListSurveysResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SurveyServiceMethodDescriptorSupplier("ListSurveys"))
              .build();
        }
      }
    }
    return getListSurveysMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.UpdateSurveyRequest,
      com.csat.v1.UpdateSurveyResponse> getUpdateSurveyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateSurvey",
      requestType = com.csat.v1.UpdateSurveyRequest.class,
      responseType = com.csat.v1.UpdateSurveyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.UpdateSurveyRequest,
      com.csat.v1.UpdateSurveyResponse> getUpdateSurveyMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.UpdateSurveyRequest, com.csat.v1.UpdateSurveyResponse> getUpdateSurveyMethod;
    if ((getUpdateSurveyMethod = SurveyServiceGrpc.getUpdateSurveyMethod) == null) {
      synchronized (SurveyServiceGrpc.class) {
        if ((getUpdateSurveyMethod = SurveyServiceGrpc.getUpdateSurveyMethod) == null) {
          SurveyServiceGrpc.getUpdateSurveyMethod = getUpdateSurveyMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.UpdateSurveyRequest, com.csat.v1.UpdateSurveyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateSurvey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.UpdateSurveyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.UpdateSurveyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SurveyServiceMethodDescriptorSupplier("UpdateSurvey"))
              .build();
        }
      }
    }
    return getUpdateSurveyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.ArchiveSurveyRequest,
      com.csat.v1.ArchiveSurveyResponse> getArchiveSurveyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ArchiveSurvey",
      requestType = com.csat.v1.ArchiveSurveyRequest.class,
      responseType = com.csat.v1.ArchiveSurveyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.ArchiveSurveyRequest,
      com.csat.v1.ArchiveSurveyResponse> getArchiveSurveyMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.ArchiveSurveyRequest, com.csat.v1.ArchiveSurveyResponse> getArchiveSurveyMethod;
    if ((getArchiveSurveyMethod = SurveyServiceGrpc.getArchiveSurveyMethod) == null) {
      synchronized (SurveyServiceGrpc.class) {
        if ((getArchiveSurveyMethod = SurveyServiceGrpc.getArchiveSurveyMethod) == null) {
          SurveyServiceGrpc.getArchiveSurveyMethod = getArchiveSurveyMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.ArchiveSurveyRequest, com.csat.v1.ArchiveSurveyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ArchiveSurvey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ArchiveSurveyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ArchiveSurveyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SurveyServiceMethodDescriptorSupplier("ArchiveSurvey"))
              .build();
        }
      }
    }
    return getArchiveSurveyMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static SurveyServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SurveyServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SurveyServiceStub>() {
        @java.lang.Override
        public SurveyServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SurveyServiceStub(channel, callOptions);
        }
      };
    return SurveyServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static SurveyServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SurveyServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SurveyServiceBlockingV2Stub>() {
        @java.lang.Override
        public SurveyServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SurveyServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return SurveyServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static SurveyServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SurveyServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SurveyServiceBlockingStub>() {
        @java.lang.Override
        public SurveyServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SurveyServiceBlockingStub(channel, callOptions);
        }
      };
    return SurveyServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static SurveyServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SurveyServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SurveyServiceFutureStub>() {
        @java.lang.Override
        public SurveyServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SurveyServiceFutureStub(channel, callOptions);
        }
      };
    return SurveyServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * SurveyService manages surveys: one question asked at one touchpoint, with one metric and scale.
   * Errors carry a google.rpc.ErrorInfo (domain "csat") and, for bad input, a google.rpc.BadRequest
   * that names every offending field at once, up to 20: the message counts the others, so that the
   * status fits in 8 KiB of metadata. A rejected request changes nothing.
   * Bad input, on every service, is INVALID_ARGUMENT with ErrorInfo reason INVALID_FIELD, and each
   * BadRequest field violation carries one of these reasons, for clients to branch on (reasons may
   * be added: read one you do not know as the field being invalid):
   * - REQUIRED: the field is empty or absent, and the request needs it.
   * - BAD_FORMAT: the value is not in the form its field takes: an id or key off its pattern, a NUL
   *   character in text, a timestamp or duration that is not one, a page_token that this call did
   *   not issue for this filter.
   * - OUT_OF_RANGE: a number or time outside the range its field allows: a score off the survey's
   *   scale, a negative page_size, a confidence not between 0 and 1, an occur_time more than 5
   *   minutes in the future.
   * - TOO_LONG: text longer than its field's limit in characters.
   * - TOO_MANY: a list or map with more entries than its field's limit, or a report that would hold
   *   more groups, buckets or bytes than it may.
   * - UNKNOWN_VALUE: none of the values its field takes: an enum number this contract does not have,
   *   an unknown time zone, an update_mask path that cannot be updated, an unknown group_by entry.
   * - REPEATED: an entry that its list takes once, repeated.
   * - INCONSISTENT: a value that contradicts another field of the request: min_score above
   *   max_score, start_time not before end_time, a measure that the metric does not take,
   *   compare_previous without a time range.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Creates a survey. ALREADY_EXISTS when survey_id is taken; INVALID_ARGUMENT names each bad field.
     * </pre>
     */
    default void createSurvey(com.csat.v1.CreateSurveyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.CreateSurveyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateSurveyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns one survey; NOT_FOUND when it does not exist.
     * </pre>
     */
    default void getSurvey(com.csat.v1.GetSurveyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetSurveyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetSurveyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists surveys in survey_id order, paged per AIP-158.
     * </pre>
     */
    default void listSurveys(com.csat.v1.ListSurveysRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListSurveysResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListSurveysMethod(), responseObserver);
    }

    /**
     * <pre>
     * Updates the fields named in update_mask. metric, scale_min, scale_max and satisfied_threshold
     * can change only while the survey has no ratings (FAILED_PRECONDITION afterwards).
     * </pre>
     */
    default void updateSurvey(com.csat.v1.UpdateSurveyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.UpdateSurveyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateSurveyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Archives a survey: new ratings are refused with FAILED_PRECONDITION, stored ones stay readable
     * and keep counting in reports. Archiving an archived survey returns it unchanged.
     * </pre>
     */
    default void archiveSurvey(com.csat.v1.ArchiveSurveyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ArchiveSurveyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getArchiveSurveyMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service SurveyService.
   * <pre>
   * SurveyService manages surveys: one question asked at one touchpoint, with one metric and scale.
   * Errors carry a google.rpc.ErrorInfo (domain "csat") and, for bad input, a google.rpc.BadRequest
   * that names every offending field at once, up to 20: the message counts the others, so that the
   * status fits in 8 KiB of metadata. A rejected request changes nothing.
   * Bad input, on every service, is INVALID_ARGUMENT with ErrorInfo reason INVALID_FIELD, and each
   * BadRequest field violation carries one of these reasons, for clients to branch on (reasons may
   * be added: read one you do not know as the field being invalid):
   * - REQUIRED: the field is empty or absent, and the request needs it.
   * - BAD_FORMAT: the value is not in the form its field takes: an id or key off its pattern, a NUL
   *   character in text, a timestamp or duration that is not one, a page_token that this call did
   *   not issue for this filter.
   * - OUT_OF_RANGE: a number or time outside the range its field allows: a score off the survey's
   *   scale, a negative page_size, a confidence not between 0 and 1, an occur_time more than 5
   *   minutes in the future.
   * - TOO_LONG: text longer than its field's limit in characters.
   * - TOO_MANY: a list or map with more entries than its field's limit, or a report that would hold
   *   more groups, buckets or bytes than it may.
   * - UNKNOWN_VALUE: none of the values its field takes: an enum number this contract does not have,
   *   an unknown time zone, an update_mask path that cannot be updated, an unknown group_by entry.
   * - REPEATED: an entry that its list takes once, repeated.
   * - INCONSISTENT: a value that contradicts another field of the request: min_score above
   *   max_score, start_time not before end_time, a measure that the metric does not take,
   *   compare_previous without a time range.
   * </pre>
   */
  public static abstract class SurveyServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return SurveyServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service SurveyService.
   * <pre>
   * SurveyService manages surveys: one question asked at one touchpoint, with one metric and scale.
   * Errors carry a google.rpc.ErrorInfo (domain "csat") and, for bad input, a google.rpc.BadRequest
   * that names every offending field at once, up to 20: the message counts the others, so that the
   * status fits in 8 KiB of metadata. A rejected request changes nothing.
   * Bad input, on every service, is INVALID_ARGUMENT with ErrorInfo reason INVALID_FIELD, and each
   * BadRequest field violation carries one of these reasons, for clients to branch on (reasons may
   * be added: read one you do not know as the field being invalid):
   * - REQUIRED: the field is empty or absent, and the request needs it.
   * - BAD_FORMAT: the value is not in the form its field takes: an id or key off its pattern, a NUL
   *   character in text, a timestamp or duration that is not one, a page_token that this call did
   *   not issue for this filter.
   * - OUT_OF_RANGE: a number or time outside the range its field allows: a score off the survey's
   *   scale, a negative page_size, a confidence not between 0 and 1, an occur_time more than 5
   *   minutes in the future.
   * - TOO_LONG: text longer than its field's limit in characters.
   * - TOO_MANY: a list or map with more entries than its field's limit, or a report that would hold
   *   more groups, buckets or bytes than it may.
   * - UNKNOWN_VALUE: none of the values its field takes: an enum number this contract does not have,
   *   an unknown time zone, an update_mask path that cannot be updated, an unknown group_by entry.
   * - REPEATED: an entry that its list takes once, repeated.
   * - INCONSISTENT: a value that contradicts another field of the request: min_score above
   *   max_score, start_time not before end_time, a measure that the metric does not take,
   *   compare_previous without a time range.
   * </pre>
   */
  public static final class SurveyServiceStub
      extends io.grpc.stub.AbstractAsyncStub<SurveyServiceStub> {
    private SurveyServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SurveyServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SurveyServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a survey. ALREADY_EXISTS when survey_id is taken; INVALID_ARGUMENT names each bad field.
     * </pre>
     */
    public void createSurvey(com.csat.v1.CreateSurveyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.CreateSurveyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateSurveyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns one survey; NOT_FOUND when it does not exist.
     * </pre>
     */
    public void getSurvey(com.csat.v1.GetSurveyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetSurveyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetSurveyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists surveys in survey_id order, paged per AIP-158.
     * </pre>
     */
    public void listSurveys(com.csat.v1.ListSurveysRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListSurveysResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListSurveysMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Updates the fields named in update_mask. metric, scale_min, scale_max and satisfied_threshold
     * can change only while the survey has no ratings (FAILED_PRECONDITION afterwards).
     * </pre>
     */
    public void updateSurvey(com.csat.v1.UpdateSurveyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.UpdateSurveyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateSurveyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Archives a survey: new ratings are refused with FAILED_PRECONDITION, stored ones stay readable
     * and keep counting in reports. Archiving an archived survey returns it unchanged.
     * </pre>
     */
    public void archiveSurvey(com.csat.v1.ArchiveSurveyRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ArchiveSurveyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getArchiveSurveyMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service SurveyService.
   * <pre>
   * SurveyService manages surveys: one question asked at one touchpoint, with one metric and scale.
   * Errors carry a google.rpc.ErrorInfo (domain "csat") and, for bad input, a google.rpc.BadRequest
   * that names every offending field at once, up to 20: the message counts the others, so that the
   * status fits in 8 KiB of metadata. A rejected request changes nothing.
   * Bad input, on every service, is INVALID_ARGUMENT with ErrorInfo reason INVALID_FIELD, and each
   * BadRequest field violation carries one of these reasons, for clients to branch on (reasons may
   * be added: read one you do not know as the field being invalid):
   * - REQUIRED: the field is empty or absent, and the request needs it.
   * - BAD_FORMAT: the value is not in the form its field takes: an id or key off its pattern, a NUL
   *   character in text, a timestamp or duration that is not one, a page_token that this call did
   *   not issue for this filter.
   * - OUT_OF_RANGE: a number or time outside the range its field allows: a score off the survey's
   *   scale, a negative page_size, a confidence not between 0 and 1, an occur_time more than 5
   *   minutes in the future.
   * - TOO_LONG: text longer than its field's limit in characters.
   * - TOO_MANY: a list or map with more entries than its field's limit, or a report that would hold
   *   more groups, buckets or bytes than it may.
   * - UNKNOWN_VALUE: none of the values its field takes: an enum number this contract does not have,
   *   an unknown time zone, an update_mask path that cannot be updated, an unknown group_by entry.
   * - REPEATED: an entry that its list takes once, repeated.
   * - INCONSISTENT: a value that contradicts another field of the request: min_score above
   *   max_score, start_time not before end_time, a measure that the metric does not take,
   *   compare_previous without a time range.
   * </pre>
   */
  public static final class SurveyServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<SurveyServiceBlockingV2Stub> {
    private SurveyServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SurveyServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SurveyServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a survey. ALREADY_EXISTS when survey_id is taken; INVALID_ARGUMENT names each bad field.
     * </pre>
     */
    public com.csat.v1.CreateSurveyResponse createSurvey(com.csat.v1.CreateSurveyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateSurveyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns one survey; NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.csat.v1.GetSurveyResponse getSurvey(com.csat.v1.GetSurveyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetSurveyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists surveys in survey_id order, paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListSurveysResponse listSurveys(com.csat.v1.ListSurveysRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListSurveysMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates the fields named in update_mask. metric, scale_min, scale_max and satisfied_threshold
     * can change only while the survey has no ratings (FAILED_PRECONDITION afterwards).
     * </pre>
     */
    public com.csat.v1.UpdateSurveyResponse updateSurvey(com.csat.v1.UpdateSurveyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateSurveyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Archives a survey: new ratings are refused with FAILED_PRECONDITION, stored ones stay readable
     * and keep counting in reports. Archiving an archived survey returns it unchanged.
     * </pre>
     */
    public com.csat.v1.ArchiveSurveyResponse archiveSurvey(com.csat.v1.ArchiveSurveyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getArchiveSurveyMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service SurveyService.
   * <pre>
   * SurveyService manages surveys: one question asked at one touchpoint, with one metric and scale.
   * Errors carry a google.rpc.ErrorInfo (domain "csat") and, for bad input, a google.rpc.BadRequest
   * that names every offending field at once, up to 20: the message counts the others, so that the
   * status fits in 8 KiB of metadata. A rejected request changes nothing.
   * Bad input, on every service, is INVALID_ARGUMENT with ErrorInfo reason INVALID_FIELD, and each
   * BadRequest field violation carries one of these reasons, for clients to branch on (reasons may
   * be added: read one you do not know as the field being invalid):
   * - REQUIRED: the field is empty or absent, and the request needs it.
   * - BAD_FORMAT: the value is not in the form its field takes: an id or key off its pattern, a NUL
   *   character in text, a timestamp or duration that is not one, a page_token that this call did
   *   not issue for this filter.
   * - OUT_OF_RANGE: a number or time outside the range its field allows: a score off the survey's
   *   scale, a negative page_size, a confidence not between 0 and 1, an occur_time more than 5
   *   minutes in the future.
   * - TOO_LONG: text longer than its field's limit in characters.
   * - TOO_MANY: a list or map with more entries than its field's limit, or a report that would hold
   *   more groups, buckets or bytes than it may.
   * - UNKNOWN_VALUE: none of the values its field takes: an enum number this contract does not have,
   *   an unknown time zone, an update_mask path that cannot be updated, an unknown group_by entry.
   * - REPEATED: an entry that its list takes once, repeated.
   * - INCONSISTENT: a value that contradicts another field of the request: min_score above
   *   max_score, start_time not before end_time, a measure that the metric does not take,
   *   compare_previous without a time range.
   * </pre>
   */
  public static final class SurveyServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<SurveyServiceBlockingStub> {
    private SurveyServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SurveyServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SurveyServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a survey. ALREADY_EXISTS when survey_id is taken; INVALID_ARGUMENT names each bad field.
     * </pre>
     */
    public com.csat.v1.CreateSurveyResponse createSurvey(com.csat.v1.CreateSurveyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateSurveyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns one survey; NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.csat.v1.GetSurveyResponse getSurvey(com.csat.v1.GetSurveyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetSurveyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists surveys in survey_id order, paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListSurveysResponse listSurveys(com.csat.v1.ListSurveysRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListSurveysMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates the fields named in update_mask. metric, scale_min, scale_max and satisfied_threshold
     * can change only while the survey has no ratings (FAILED_PRECONDITION afterwards).
     * </pre>
     */
    public com.csat.v1.UpdateSurveyResponse updateSurvey(com.csat.v1.UpdateSurveyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateSurveyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Archives a survey: new ratings are refused with FAILED_PRECONDITION, stored ones stay readable
     * and keep counting in reports. Archiving an archived survey returns it unchanged.
     * </pre>
     */
    public com.csat.v1.ArchiveSurveyResponse archiveSurvey(com.csat.v1.ArchiveSurveyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getArchiveSurveyMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service SurveyService.
   * <pre>
   * SurveyService manages surveys: one question asked at one touchpoint, with one metric and scale.
   * Errors carry a google.rpc.ErrorInfo (domain "csat") and, for bad input, a google.rpc.BadRequest
   * that names every offending field at once, up to 20: the message counts the others, so that the
   * status fits in 8 KiB of metadata. A rejected request changes nothing.
   * Bad input, on every service, is INVALID_ARGUMENT with ErrorInfo reason INVALID_FIELD, and each
   * BadRequest field violation carries one of these reasons, for clients to branch on (reasons may
   * be added: read one you do not know as the field being invalid):
   * - REQUIRED: the field is empty or absent, and the request needs it.
   * - BAD_FORMAT: the value is not in the form its field takes: an id or key off its pattern, a NUL
   *   character in text, a timestamp or duration that is not one, a page_token that this call did
   *   not issue for this filter.
   * - OUT_OF_RANGE: a number or time outside the range its field allows: a score off the survey's
   *   scale, a negative page_size, a confidence not between 0 and 1, an occur_time more than 5
   *   minutes in the future.
   * - TOO_LONG: text longer than its field's limit in characters.
   * - TOO_MANY: a list or map with more entries than its field's limit, or a report that would hold
   *   more groups, buckets or bytes than it may.
   * - UNKNOWN_VALUE: none of the values its field takes: an enum number this contract does not have,
   *   an unknown time zone, an update_mask path that cannot be updated, an unknown group_by entry.
   * - REPEATED: an entry that its list takes once, repeated.
   * - INCONSISTENT: a value that contradicts another field of the request: min_score above
   *   max_score, start_time not before end_time, a measure that the metric does not take,
   *   compare_previous without a time range.
   * </pre>
   */
  public static final class SurveyServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<SurveyServiceFutureStub> {
    private SurveyServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SurveyServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SurveyServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a survey. ALREADY_EXISTS when survey_id is taken; INVALID_ARGUMENT names each bad field.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.CreateSurveyResponse> createSurvey(
        com.csat.v1.CreateSurveyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateSurveyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns one survey; NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.GetSurveyResponse> getSurvey(
        com.csat.v1.GetSurveyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetSurveyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists surveys in survey_id order, paged per AIP-158.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.ListSurveysResponse> listSurveys(
        com.csat.v1.ListSurveysRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListSurveysMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Updates the fields named in update_mask. metric, scale_min, scale_max and satisfied_threshold
     * can change only while the survey has no ratings (FAILED_PRECONDITION afterwards).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.UpdateSurveyResponse> updateSurvey(
        com.csat.v1.UpdateSurveyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateSurveyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Archives a survey: new ratings are refused with FAILED_PRECONDITION, stored ones stay readable
     * and keep counting in reports. Archiving an archived survey returns it unchanged.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.ArchiveSurveyResponse> archiveSurvey(
        com.csat.v1.ArchiveSurveyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getArchiveSurveyMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_SURVEY = 0;
  private static final int METHODID_GET_SURVEY = 1;
  private static final int METHODID_LIST_SURVEYS = 2;
  private static final int METHODID_UPDATE_SURVEY = 3;
  private static final int METHODID_ARCHIVE_SURVEY = 4;

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
        case METHODID_CREATE_SURVEY:
          serviceImpl.createSurvey((com.csat.v1.CreateSurveyRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.CreateSurveyResponse>) responseObserver);
          break;
        case METHODID_GET_SURVEY:
          serviceImpl.getSurvey((com.csat.v1.GetSurveyRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.GetSurveyResponse>) responseObserver);
          break;
        case METHODID_LIST_SURVEYS:
          serviceImpl.listSurveys((com.csat.v1.ListSurveysRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.ListSurveysResponse>) responseObserver);
          break;
        case METHODID_UPDATE_SURVEY:
          serviceImpl.updateSurvey((com.csat.v1.UpdateSurveyRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.UpdateSurveyResponse>) responseObserver);
          break;
        case METHODID_ARCHIVE_SURVEY:
          serviceImpl.archiveSurvey((com.csat.v1.ArchiveSurveyRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.ArchiveSurveyResponse>) responseObserver);
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
          getCreateSurveyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.CreateSurveyRequest,
              com.csat.v1.CreateSurveyResponse>(
                service, METHODID_CREATE_SURVEY)))
        .addMethod(
          getGetSurveyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.GetSurveyRequest,
              com.csat.v1.GetSurveyResponse>(
                service, METHODID_GET_SURVEY)))
        .addMethod(
          getListSurveysMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.ListSurveysRequest,
              com.csat.v1.ListSurveysResponse>(
                service, METHODID_LIST_SURVEYS)))
        .addMethod(
          getUpdateSurveyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.UpdateSurveyRequest,
              com.csat.v1.UpdateSurveyResponse>(
                service, METHODID_UPDATE_SURVEY)))
        .addMethod(
          getArchiveSurveyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.ArchiveSurveyRequest,
              com.csat.v1.ArchiveSurveyResponse>(
                service, METHODID_ARCHIVE_SURVEY)))
        .build();
  }

  private static abstract class SurveyServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    SurveyServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return com.csat.v1.SurveyProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("SurveyService");
    }
  }

  private static final class SurveyServiceFileDescriptorSupplier
      extends SurveyServiceBaseDescriptorSupplier {
    SurveyServiceFileDescriptorSupplier() {}
  }

  private static final class SurveyServiceMethodDescriptorSupplier
      extends SurveyServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    SurveyServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (SurveyServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new SurveyServiceFileDescriptorSupplier())
              .addMethod(getCreateSurveyMethod())
              .addMethod(getGetSurveyMethod())
              .addMethod(getListSurveysMethod())
              .addMethod(getUpdateSurveyMethod())
              .addMethod(getArchiveSurveyMethod())
              .build();
        }
      }
    }
    return result;
  }
}
