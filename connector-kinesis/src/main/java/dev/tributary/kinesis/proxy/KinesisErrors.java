package dev.tributary.kinesis.proxy;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.ExpiredNextTokenException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/** Sorts Kinesis failures by what the reader does about them. */
public final class KinesisErrors {
    /** What a failure means for the reader. */
    public enum Kind {
        /** Too many calls or bytes: back off with jitter, then retry the same call. */
        THROTTLED,
        /** The shard iterator is older than five minutes: get a new one after the last record read. */
        EXPIRED_ITERATOR,
        /** The ListShards token expired: list again from the start. */
        EXPIRED_TOKEN,
        /** The shard (or stream) is gone: treat the shard as ended. */
        NOT_FOUND,
        /** The resource is busy (a fan-out consumer still registering, or a subscription still open): retry later. */
        IN_USE,
        /** A 5xx, a reset connection or a timeout: back off, then retry. */
        TRANSIENT,
        /** Anything a retry cannot fix, such as missing permissions: fail the task with the reason. */
        FATAL
    }

    private KinesisErrors() {
    }

    public static Kind classify(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof ProvisionedThroughputExceededException || e instanceof LimitExceededException
                || e instanceof KmsThrottlingException) {
            return Kind.THROTTLED;
        }
        if (e instanceof ExpiredIteratorException) {
            return Kind.EXPIRED_ITERATOR;
        }
        if (e instanceof ExpiredNextTokenException) {
            return Kind.EXPIRED_TOKEN;
        }
        if (e instanceof ResourceNotFoundException) {
            return Kind.NOT_FOUND;
        }
        if (e instanceof ResourceInUseException) {
            return Kind.IN_USE;
        }
        if (e instanceof SdkServiceException service) {
            if (service.isThrottlingException()) {
                return Kind.THROTTLED;
            }
            return service.statusCode() >= 500 ? Kind.TRANSIENT : Kind.FATAL;
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
            return Kind.FATAL;
        }
        if (e instanceof SdkClientException || e instanceof java.io.IOException
                || e instanceof java.util.concurrent.TimeoutException) {
            return Kind.TRANSIENT;
        }
        return Kind.FATAL;
    }

    /** The failure under CompletionException and ExecutionException wrappers. */
    public static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** A one-line description for logs and statuses, without request ids or stack traces. */
    public static String describe(Throwable error) {
        Throwable e = unwrap(error);
        String message = e instanceof AwsServiceException s && s.awsErrorDetails() != null
                ? s.awsErrorDetails().errorCode() + ": " + s.awsErrorDetails().errorMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return message.replace('\n', ' ');
    }
}
