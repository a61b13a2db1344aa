/**
 * The Amazon Kinesis Data Streams source connector, built on the AWS SDK for Java v2 without
 * the KCL. It keeps its positions in Tributary's offset store; DynamoDB is read only to import a
 * KCL application's lease table once (see {@code dev.tributary.kinesis.kcl}).
 */
package dev.tributary.kinesis;
