package app.certdoctor

import java.util.concurrent.CompletableFuture
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeUnit
import kotlin.coroutines.Continuation
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.startCoroutine

/** Runs a suspend block to its end from a plain test thread (no kotlinx-coroutines here). */
fun <T> blocking(block: suspend () -> T): T {
    val future = CompletableFuture<T>()
    block.startCoroutine(Continuation(EmptyCoroutineContext) { result ->
        result.fold(onSuccess = { future.complete(it) }, onFailure = { future.completeExceptionally(it) })
    })
    try {
        return future.get(300, TimeUnit.SECONDS)
    } catch (e: ExecutionException) {
        throw e.cause ?: e
    }
}
