const apiKey = process.env.API_KEY;
const passwordLabel = "Password";
const tokenHeader = "Authorization";
const password = "";

function next(data) {
  const nextToken = data.NextToken;
  return nextToken;
}

module.exports = { apiKey, passwordLabel, tokenHeader, password, next };
