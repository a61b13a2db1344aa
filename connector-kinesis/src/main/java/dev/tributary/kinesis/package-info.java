/**
 * The Amazon Kinesis Data Streams source connector, built on the AWS SDK for Java v2 without
 * the KCL and without DynamoDB.
 */
package dev.tributary.kinesis;
