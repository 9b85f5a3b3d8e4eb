// A stand-in verify worker for test/pool.test.ts that dies throwing a value that is not an Error.
throw { reason: 'not an Error' };
